import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { analysisStream, applyAnalysisEvent, endAnalysis, startAnalysis } from '../src/logic/analysis';
import { editStream } from '../src/logic/edit';
import { renderStream } from '../src/logic/render';
import {
  errorText,
  eventData,
  eventReducer,
  followStream,
  IEventStream,
  parseSSE,
  readEvents,
  StreamSend
} from '../src/logic/sse';

/** A response whose body arrives in these chunks (bytes, so a UTF-8 character may be split). */
function chunked(chunks: (string | Uint8Array)[], onCancel?: () => void, pulled?: string[]): Response {
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= chunks.length) {
        controller.close();
        return;
      }
      const chunk = chunks[i++];
      pulled?.push(typeof chunk === 'string' ? chunk : '<bytes>');
      controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    },
    cancel() {
      onCancel?.();
    }
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

/** A send that records its request and answers with `response`. */
function sender(response: Response): { send: StreamSend; requests: RequestInit[] } {
  const requests: RequestInit[] = [];
  return {
    requests,
    send: async init => {
      requests.push(init);
      return response;
    }
  };
}

/** The events' names, in order, as a stream state. */
const names: IEventStream<string[]> = {
  start: () => [],
  apply: (s, e) => [...s, `${e.event}:${e.data}`],
  end: s => [...s, 'end']
};

test('eventData: a JSON object as it is, anything else as its message', () => {
  assert.deepEqual(eventData('{"message": "hi", "n": 1}'), { message: 'hi', n: 1 });
  assert.deepEqual(eventData('plain words'), { message: 'plain words' });
  assert.deepEqual(eventData('"a JSON string"'), { message: 'a JSON string' });
  assert.deepEqual(eventData('null'), { message: 'null' });
  assert.equal(errorText({ message: 'quota reached (3 of 3)' }, 'fallback'), 'quota reached (3 of 3)');
  assert.equal(errorText({ message: '' }, 'fallback'), 'fallback');
  assert.equal(errorText({ message: 42 }, 'fallback'), 'fallback');
});

test('eventReducer dispatches by event name and leaves unknown events alone', () => {
  const seen: string[] = [];
  const reduce = eventReducer<number>({
    add: (n, data) => n + Number(data.by),
    toString: (n: number) => n * 100
  });
  const start = 1;
  const after = parseSSE('event: add\ndata: {"by": 2}\n\nevent: ping\ndata: x\n\ndata: {"by": 5}\n\n').reduce(
    (n: number, e) => {
      seen.push(e.event);
      return reduce(n, e);
    },
    start
  );
  assert.equal(after, 3);
  assert.deepEqual(seen, ['add', 'ping', 'message']);
  // Names of Object.prototype are not handlers unless given.
  assert.equal(eventReducer<number>({})(7, { event: 'constructor', data: '{}' }), 7);
  assert.equal(reduce(2, { event: 'toString', data: '{}' }), 200);
});

test('followStream POSTs JSON asking for an event stream, and folds events split anywhere', async () => {
  const text = 'event: a\ndata: {"x": "é"}\n\n: keep-alive\n\nevent: b\r\ndata: 2\r\n\r\nevent: c\ndata: last';
  const bytes = new TextEncoder().encode(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const { send, requests } = sender(chunked([bytes.slice(0, cut), bytes.slice(cut)]));
    const states: string[][] = [];
    const final = await followStream(send, { question: 'why' }, names, s => states.push(s));
    assert.deepEqual(final, ['a:{"x": "é"}', 'b:2', 'c:last', 'end'], `cut at ${cut}`);
    assert.deepEqual(states[0], [], 'the start state comes first');
    assert.deepEqual(states[states.length - 1], final, 'the final state comes last');
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, 'POST');
    assert.equal(requests[0].body, '{"question":"why"}');
    assert.deepEqual(requests[0].headers, { Accept: 'text/event-stream', 'Content-Type': 'application/json' });
  }
});

test('followStream passes the abort signal to the request', async () => {
  const controller = new AbortController();
  const { send, requests } = sender(chunked([]));
  await followStream(send, {}, names, undefined, controller.signal);
  assert.equal(requests[0].signal, controller.signal);
});

test('a stream cut before its last event says so; a complete one does not', async () => {
  const cut = await followStream(
    sender(chunked(['event: status\ndata: {"message": "started"}\n\n'])).send,
    {},
    editStream
  );
  assert.equal(cut.running, false);
  assert.equal(cut.error, 'The edit stopped before it finished.');
  const whole = await followStream(
    sender(chunked(['event: result\ndata: {"file": "a.mp4"}\n\n', 'event: complete\ndata: {}\n\n'])).send,
    {},
    renderStream
  );
  assert.deepEqual([whole.error, whole.message, whole.fraction], [null, 'Rendered a.mp4', 1]);
});

test('a fatal error carries the server message as it is and, with stop, ends the reading', async () => {
  let cancelled = false;
  const pulled: string[] = [];
  const response = chunked(
    [
      'event: progress\ndata: {"file": "a.csv", "overall": 0.5}\n\n',
      'event: error\ndata: {"message": "Disk quota exceeded (2 GB)", "fatal": true}\n\n',
      'event: progress\ndata: {"file": "b.csv", "overall": 0.9}\n\n',
      'event: complete\ndata: {}\n\n'
    ],
    () => (cancelled = true),
    pulled
  );
  const run = await followStream(sender(response).send, {}, analysisStream);
  assert.equal(run.error, 'Disk quota exceeded (2 GB)');
  assert.equal(run.fraction, 0.5);
  assert.equal(run.complete, null);
  assert.equal(cancelled, true, 'the rest of the stream was cancelled');
  assert.ok(!pulled.includes('event: complete\ndata: {}\n\n'), 'the stream was not read to its end');
});

test('a refused request rejects with the send error, after the start state', async () => {
  const states: string[][] = [];
  const refuse: StreamSend = async () => {
    throw new Error('The project "nope" does not exist.');
  };
  await assert.rejects(
    followStream(refuse, {}, names, s => states.push(s)),
    /does not exist/
  );
  assert.deepEqual(states, [[]]);
});

test('readEvents: a response without a body is an error; batches as they arrive', async () => {
  await assert.rejects(
    readEvents(new Response(null), () => undefined),
    /no progress stream/
  );
  const batches: string[][] = [];
  await readEvents(chunked(['data: 1\n\ndata: 2\n\n', 'data: 3\n', '\n']), events => {
    batches.push(events.map(e => e.data));
  });
  assert.deepEqual(batches, [['1', '2'], ['3']]);
});

test('analysis: progress, file failures, complete', () => {
  let s = startAnalysis();
  assert.equal(s.message, 'Starting…');
  for (const [event, data] of [
    ['status', '{"message": "Reading 2 files"}'],
    ['progress', '{"file": "a.csv", "done": 1, "total": 4}'],
    ['error', '{"file": "b.xlsx", "message": "not a spreadsheet"}'],
    ['progress', '{"file": "c.csv", "percent": 75}']
  ]) {
    s = applyAnalysisEvent(s, { event, data });
  }
  assert.deepEqual(
    [s.fraction, s.message, s.failures, s.error],
    [0.75, 'Analysing c.csv', ['b.xlsx: not a spreadsheet'], null]
  );
  s = endAnalysis(applyAnalysisEvent(s, { event: 'complete', data: '{"files": 2}' }));
  assert.deepEqual([s.fraction, s.message, s.complete, s.error], [1, 'Done; 1 file failed', { files: 2 }, null]);
  assert.equal(endAnalysis(startAnalysis()).error, 'The analysis stopped before it finished.');
  assert.equal(
    applyAnalysisEvent(startAnalysis(), { event: 'error', data: '{"fatal": true}' }).error,
    'The analysis failed.'
  );
});
