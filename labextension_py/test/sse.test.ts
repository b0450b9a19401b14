import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { parseSSE, progressOf, SSEParser } from '../src/logic/sse';

test('events split across chunks anywhere', () => {
  const text = 'event: progress\ndata: {"progress": 0.5}\n\n: keep-alive\n\nevent: done\r\ndata: {"a":1}\r\n\r\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const p = new SSEParser();
    const events = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut)), ...p.flush()];
    assert.deepEqual(
      events,
      [
        { event: 'progress', data: '{"progress": 0.5}' },
        { event: 'done', data: '{"a":1}' }
      ],
      `cut at ${cut}`
    );
  }
});

test('multi-line data, default event name, id and a last event without blank line', () => {
  const events = parseSSE('id: 7\ndata: one\ndata:two\n\ndata: tail');
  assert.deepEqual(events, [
    { event: 'message', data: 'one\ntwo', id: '7' },
    { event: 'message', data: 'tail', id: '7' }
  ]);
});

test('events with no data are dropped', () => {
  assert.deepEqual(parseSSE('event: ping\n\n'), []);
});

test('progress from the usual shapes, clamped', () => {
  assert.equal(progressOf({ file: 'a.csv', fraction: 1, overall: 0.5 }), 0.5);
  assert.equal(progressOf({ progress: 0.25 }), 0.25);
  assert.equal(progressOf({ progress: 50 }), 0.5);
  assert.equal(progressOf({ percent: 100 }), 1);
  assert.equal(progressOf({ done: 3, total: 4 }), 0.75);
  assert.equal(progressOf({ done: 3, total: 0 }), null);
  assert.equal(progressOf({ percent: 140 }), 1);
  assert.equal(progressOf('x'), null);
});
