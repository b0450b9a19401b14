import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { DEFAULT_EXPIRY, describeExpiry, EXPIRY_CHOICES, shareKindOf } from '../src/logic/expiry';

test('expiry choices are whole seconds and the default is 7 days', () => {
  assert.equal(EXPIRY_CHOICES[DEFAULT_EXPIRY].seconds, 7 * 86400);
  for (const c of EXPIRY_CHOICES) {
    assert.ok(c.seconds === null || Number.isInteger(c.seconds));
  }
});

test('describes an expiry', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  assert.equal(describeExpiry(null, now), 'never expires');
  assert.equal(describeExpiry('2026-11-25T09:00:00Z', now), 'expired');
  assert.equal(describeExpiry('2026-11-25T10:30:00+00:00', now), 'expires in 30 min');
  assert.equal(describeExpiry('2026-11-25T13:00:00', now), 'expires in 3 h');
  assert.equal(describeExpiry('2026-12-02T10:00:00Z', now), 'expires in 7 d');
  assert.equal(describeExpiry('2026-12-02T09:59:58Z', now), 'expires in 7 d');
  assert.equal(describeExpiry('2026-11-26T09:59:58Z', now), 'expires in 24 h');
});

test('share kinds from paths', () => {
  assert.equal(shareKindOf('projects/p/analysis.ipynb'), 'notebook');
  assert.equal(shareKindOf('projects/p/dashboards/d1.json'), 'dashboard');
  assert.equal(shareKindOf('projects/p/sessions/abc123'), 'session');
  assert.equal(shareKindOf('projects/p/data/sales.csv'), 'file');
  assert.equal(shareKindOf('projects/p/dashboards/d1.ipynb'), 'notebook');
});
