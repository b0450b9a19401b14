import assert from 'node:assert/strict';
import { test } from 'node:test';

import { restoreAction, sessionIdOfTerminal, terminalOfSession } from '../src/logic/sessionTerminal';

test('session terminals are recognised by name, other terminals are not', () => {
  assert.equal(sessionIdOfTerminal('orpheus_3fa94c21b0de'), '3fa94c21b0de');
  assert.equal(sessionIdOfTerminal(terminalOfSession('3fa94c21b0de')), '3fa94c21b0de');
  for (const name of ['1', 'orpheus_', 'orpheus_../x', 'orpheus_a b', 'xorpheus_abc', '', null, undefined]) {
    assert.equal(sessionIdOfTerminal(name), null, String(name));
  }
});

test("a restored tab reattaches only to the session's own running terminal", () => {
  const name = 'orpheus_3fa94c21b0de';
  assert.equal(restoreAction(name, { terminal: name }), 'reattach');
  assert.equal(restoreAction(name, { terminal: null }), 'ended');
  assert.equal(restoreAction(name, { terminal: 'orpheus_other' }), 'ended');
  assert.equal(restoreAction(name, null, 404), 'gone');
  assert.equal(restoreAction(name, null, 503), 'unknown');
  assert.equal(restoreAction(name, null, 0), 'unknown');
});
