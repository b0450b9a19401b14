import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AI_OFF_TEXT, aiOffMessage } from '../src/logic/ai';

test('AI on, or not known yet, gives no message', () => {
  assert.equal(aiOffMessage({ enabled: true, message: null }), null);
  assert.equal(aiOffMessage(null), null);
  assert.equal(aiOffMessage(undefined), null);
});

test("AI off shows the server's own words", () => {
  const message = 'No AI model is configured on this hub: ask your administrator to add a model key.';
  assert.equal(aiOffMessage({ enabled: false, message }), message);
  assert.equal(aiOffMessage({ enabled: false, message: `  ${message}\n` }), message);
});

test('AI off without a reason falls back to plain words', () => {
  assert.equal(aiOffMessage({ enabled: false, message: null }), AI_OFF_TEXT);
  assert.equal(aiOffMessage({ enabled: false, message: '  ' }), AI_OFF_TEXT);
  assert.equal(aiOffMessage({ enabled: false }), AI_OFF_TEXT);
});
