import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { applyEditEvent, endEdit, IEditState, startEdit } from '../src/logic/edit';
import { parseSSE } from '../src/logic/sse';

function fold(text: string): IEditState {
  return endEdit(parseSSE(text).reduce(applyEditEvent, startEdit()));
}

test('an edit that is applied', () => {
  const s = fold(
    'event: status\ndata: {"message": "started"}\n\n' +
      'event: status\ndata: {"message": "asking the model", "attempt": 1}\n\n' +
      'event: text\ndata: {"text": "Making it "}\n\n' +
      'event: tool\ndata: {"name": "update_widget", "input": {"id": "w1"}}\n\n' +
      'event: result\ndata: {"name": "update_widget", "ok": true, "message": "applied"}\n\n' +
      'event: complete\ndata: {"changed": true, "message": "Made the chart a bar chart.", "spec": {}}\n\n'
  );
  assert.deepEqual(s.steps, [
    { kind: 'status', text: 'started', ok: null },
    { kind: 'status', text: 'asking the model', ok: null },
    { kind: 'tool', text: 'update widget: applied', ok: true }
  ]);
  assert.equal(s.text, 'Made the chart a bar chart.');
  assert.equal(s.changed, true);
  assert.equal(s.running, false);
  assert.equal(s.error, null);
});

test('a refused call, a retry, then a fatal error with the server message', () => {
  const s = fold(
    'event: tool\ndata: {"name": "remove_widget", "input": {}}\n\n' +
      'event: result\ndata: {"name": "remove_widget", "ok": false, "message": "no widget w9"}\n\n' +
      'event: error\ndata: {"message": "no widget w9", "retrying": true}\n\n' +
      'event: status\ndata: {"message": "asking the model", "attempt": 2}\n\n' +
      'event: error\ndata: {"message": "The model\'s edit was invalid, nothing was changed: no widget w9", "status": 422, "fatal": true}\n\n'
  );
  assert.deepEqual(
    s.steps.map(x => [x.kind, x.text, x.ok]),
    [
      ['tool', 'remove widget: no widget w9', false],
      ['error', 'no widget w9 (retrying)', false],
      ['status', 'asking the model (attempt 2)', null]
    ]
  );
  assert.equal(s.error, "The model's edit was invalid, nothing was changed: no widget w9");
  assert.equal(s.changed, null);
  assert.equal(s.running, false);
});

test('no change, and a stream that stops early', () => {
  assert.equal(fold('event: complete\ndata: {"changed": false, "message": "Nothing to do."}\n\n').changed, false);
  assert.equal(fold('event: status\ndata: {"message": "started"}\n\n').error, 'The edit stopped before it finished.');
});
