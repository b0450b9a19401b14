import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { liveSessionId, shareRequest } from '../src/logic/liveShare';

const sessions = [
  { id: 'aaaaaaaaaaaa', path: 'projects/p/sessions/aaaaaaaaaaaa', terminal: 'orpheus_aaaaaaaaaaaa' },
  { id: 'bbbbbbbbbbbb', path: 'projects/p/sessions/bbbbbbbbbbbb', terminal: null }
];

test('only a running session can be shared live', () => {
  assert.equal(liveSessionId('session', 'projects/p/sessions/aaaaaaaaaaaa', sessions), 'aaaaaaaaaaaa');
  assert.equal(liveSessionId('session', 'projects/p/sessions/bbbbbbbbbbbb', sessions), null);
  assert.equal(liveSessionId('session', 'projects/p/sessions/cccccccccccc', sessions), null);
  assert.equal(liveSessionId('file', 'projects/p/sessions/aaaaaaaaaaaa', sessions), null);
});

test('a live share targets the session id', () => {
  assert.deepEqual(shareRequest('session', 'projects/p/sessions/a', 'aaaaaaaaaaaa', true), {
    kind: 'live',
    target: 'aaaaaaaaaaaa'
  });
  assert.deepEqual(shareRequest('session', 'projects/p/sessions/a', 'aaaaaaaaaaaa', false), {
    kind: 'session',
    target: 'projects/p/sessions/a'
  });
  assert.deepEqual(shareRequest('session', 'projects/p/sessions/a', null, true), {
    kind: 'session',
    target: 'projects/p/sessions/a'
  });
});
