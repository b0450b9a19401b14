import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { applyRenderEvent, endRender, IRenderState, startRender } from '../src/logic/render';
import { parseSSE } from '../src/logic/sse';

function fold(text: string): IRenderState {
  return endRender(parseSSE(text).reduce(applyRenderEvent, startRender()));
}

test('a successful render: queued, status, progress, result, complete', () => {
  let s = startRender();
  s = applyRenderEvent(s, { event: 'queued', data: '{"position": 2}' });
  assert.equal(s.message, 'Queued (position 2)');
  s = applyRenderEvent(s, { event: 'status', data: '{"message": "rendering 3.0 s at low"}' });
  assert.equal(s.message, 'rendering 3.0 s at low');
  s = applyRenderEvent(s, { event: 'progress', data: '{"fraction": 0.25}' });
  assert.equal(s.fraction, 0.25);
  assert.equal(s.running, true);
  s = applyRenderEvent(s, { event: 'result', data: '{"file": "starter-1.mp4", "size": 10}' });
  assert.equal(s.result?.file, 'starter-1.mp4');
  s = applyRenderEvent(s, { event: 'complete', data: '{"state": "done"}' });
  assert.deepEqual(
    { fraction: s.fraction, running: s.running, error: s.error, message: s.message },
    { fraction: 1, running: false, error: null, message: 'Rendered starter-1.mp4' }
  );
});

test('an error keeps the server message unchanged', () => {
  const s = fold(
    'event: progress\ndata: {"fraction": 0.5}\n\nevent: error\ndata: {"message": "NameError: x"}\n\n' +
      'event: complete\ndata: {"state": "failed"}\n\n'
  );
  assert.equal(s.error, 'NameError: x');
  assert.equal(s.running, false);
  assert.equal(s.fraction, 0.5);
  assert.equal(s.result, null);
});

test('progress is clamped and bad events are ignored', () => {
  let s = applyRenderEvent(startRender(), { event: 'progress', data: '{"fraction": 7}' });
  assert.equal(s.fraction, 1);
  s = applyRenderEvent(s, { event: 'progress', data: 'not json' });
  assert.equal(s.fraction, 1);
  s = applyRenderEvent(s, { event: 'whatever', data: '{}' });
  assert.equal(s.running, true);
});

test('a stream that ends without complete', () => {
  assert.equal(fold('event: status\ndata: {"message": "x"}\n\n').error, 'The render stopped before it finished.');
  const ok = fold('event: result\ndata: {"file": "a.mp4"}\n\n');
  assert.equal(ok.error, null);
  assert.equal(ok.running, false);
  assert.equal(ok.result?.file, 'a.mp4');
});
