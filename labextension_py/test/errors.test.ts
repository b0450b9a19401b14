import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { errorMessage, messageFromBody } from '../src/logic/errors';

test('a 4xx message from the server is shown as it is', () => {
  const body = JSON.stringify({ message: "project name 'A/B' has a path separator", reason: 'Bad Request' });
  assert.equal(errorMessage(400, body), "project name 'A/B' has a path separator");
  assert.equal(
    errorMessage(403, { message: 'shell sessions are only for members' }),
    'shell sessions are only for members'
  );
});

test('reason is used when there is no message', () => {
  assert.equal(errorMessage(404, { reason: 'Not Found' }), 'Not Found');
});

test('empty or HTML bodies fall back to the status', () => {
  assert.equal(errorMessage(404, ''), 'Request failed (404).');
  assert.equal(
    errorMessage(502, '<html><body>Bad gateway</body></html>', 'Bad Gateway'),
    'The server failed (502 Bad Gateway).'
  );
  assert.equal(
    errorMessage(500, { message: 'internal error; the server log has the details' }),
    'internal error; the server log has the details'
  );
});

test('plain short text bodies are kept', () => {
  assert.equal(messageFromBody('too large'), 'too large');
  assert.equal(messageFromBody(null), '');
  assert.equal(messageFromBody({ message: '  ', reason: 'Conflict' }), 'Conflict');
});
