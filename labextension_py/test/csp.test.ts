import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { allowsSameOriginFraming } from '../src/logic/csp';

test('frame-ancestors decides whether Lab can frame the page', () => {
  assert.equal(allowsSameOriginFraming(null), true);
  assert.equal(allowsSameOriginFraming("frame-ancestors 'self'; report-uri /x"), true);
  assert.equal(
    allowsSameOriginFraming("frame-ancestors 'none'; report-uri /api/security/csp-report; default-src 'none'"),
    false
  );
  assert.equal(allowsSameOriginFraming("default-src 'none'"), true);
  assert.equal(allowsSameOriginFraming("FRAME-ANCESTORS 'SELF' https://x"), true);
  assert.equal(allowsSameOriginFraming('frame-ancestors https://other.example'), false);
});
