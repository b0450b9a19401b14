import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { applyChatEvent, askChat, emptyChat, endChat, figureSummary, IChatState, outputView } from '../src/logic/chat';
import { parseSSE } from '../src/logic/sse';

function fold(state: IChatState, text: string): IChatState {
  return endChat(parseSSE(text).reduce(applyChatEvent, state));
}

test('a streamed answer with one code step', () => {
  const s = fold(
    askChat(emptyChat(), 'How many rows?'),
    'event: status\ndata: {"message": "started"}\n\n' +
      'event: status\ndata: {"message": "starting the kernel", "conversation_id": "c1"}\n\n' +
      'event: text\ndata: {"text": "Let me "}\n\n' +
      'event: tool\ndata: {"name": "run_python", "code": "len(df)"}\n\n' +
      'event: result\ndata: {"outputs": [{"output_type": "execute_result", "data": {"text/plain": "36"}}]}\n\n' +
      'event: text\ndata: {"text": "count."}\n\n' +
      'event: complete\ndata: {"conversation_id": "c1", "reply": "There are 36 rows.", "steps": 1}\n\n'
  );
  assert.equal(s.conversationId, 'c1');
  assert.equal(s.turns.length, 2);
  assert.deepEqual(s.turns[0], {
    role: 'user',
    text: 'How many rows?',
    steps: [],
    status: '',
    error: null,
    done: true
  });
  const a = s.turns[1];
  assert.equal(a.text, 'There are 36 rows.');
  assert.equal(a.done, true);
  assert.equal(a.error, null);
  assert.equal(a.steps.length, 1);
  assert.equal(a.steps[0].code, 'len(df)');
  assert.deepEqual(outputView(a.steps[0].outputs[0]), { kind: 'text', text: '36' });
});

test('text deltas accumulate while streaming', () => {
  let s = askChat(emptyChat(), 'hi');
  s = applyChatEvent(s, { event: 'text', data: '{"text": "Hel"}' });
  s = applyChatEvent(s, { event: 'text', data: '{"text": "lo"}' });
  assert.equal(s.turns[1].text, 'Hello');
  assert.equal(s.turns[1].done, false);
});

test('a fatal error keeps the server message; a second question keeps the conversation', () => {
  let s = fold(askChat(emptyChat(), 'a'), 'event: complete\ndata: {"conversation_id": "c9", "reply": "ok"}\n\n');
  s = fold(
    askChat(s, 'b'),
    'event: error\ndata: {"message": "the gateway refused: quota", "status": 429, "fatal": true}\n\n'
  );
  assert.equal(s.conversationId, 'c9');
  assert.equal(s.turns.length, 4);
  assert.equal(s.turns[3].error, 'the gateway refused: quota');
  assert.equal(s.turns[3].done, true);
});

test('a stream that stops early is an error; a non-fatal error only updates the status', () => {
  let s = askChat(emptyChat(), 'x');
  s = applyChatEvent(s, { event: 'error', data: '{"message": "run_python needs code"}' });
  assert.equal(s.turns[1].error, null);
  assert.equal(s.turns[1].status, 'run_python needs code');
  s = endChat(s);
  assert.equal(s.turns[1].error, 'The answer stopped before it finished.');
});

test('outputs: stream, error without colour codes, image, plotly summary', () => {
  assert.deepEqual(outputView({ output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] }), {
    kind: 'text',
    text: 'a\nb'
  });
  const err = outputView({
    output_type: 'error',
    ename: 'KeyError',
    evalue: "'x'",
    traceback: ['\u001b[31mTrace\u001b[0m']
  });
  assert.deepEqual(err, { kind: 'error', text: "KeyError: 'x'\nTrace" });
  assert.deepEqual(
    outputView({ output_type: 'display_data', data: { 'image/png': 'iVBO\nRw==', 'text/plain': '<Figure>' } }),
    {
      kind: 'image',
      mime: 'image/png',
      data: 'iVBORw=='
    }
  );
  const fig = { data: [{ type: 'bar' }, { type: 'bar' }, {}], layout: { title: { text: 'Units' } } };
  assert.equal(figureSummary(fig), 'Plotly figure "Units": 3 traces (2 bar, scatter)');
  assert.deepEqual(outputView({ output_type: 'display_data', data: { 'application/vnd.plotly.v1+json': fig } }), {
    kind: 'figure',
    text: 'Plotly figure "Units": 3 traces (2 bar, scatter)'
  });
  assert.equal(outputView({ output_type: 'display_data', data: { 'text/html': '<b>x</b>' } }), null);
});
