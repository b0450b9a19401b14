import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { analystStream, asRun, fromRun, IAnalystState, toolLine } from '../src/logic/analyst';
import { parseSSE } from '../src/logic/sse';

function fold(text: string): IAnalystState {
  return analystStream.end(parseSSE(text).reduce(analystStream.apply, analystStream.start()));
}

const RUN = {
  status: 'complete',
  request: 'Which regions?',
  started_at: '2026-12-05T08:00:00+00:00',
  finished_at: '2026-12-05T08:01:00+00:00',
  duration_seconds: 60,
  resumed: false,
  answer: 'Findings.',
  dashboards: [
    {
      id: 'orders-1a2b3c',
      title: 'Orders',
      notebook: 'projects/shop/dashboards/orders-1a2b3c.ipynb',
      render_url: '/voila/render/x'
    }
  ],
  refused: [
    { file: 'bad.json', field: 'widgets[3].encoding.y', message: "widgets[3].encoding.y: column 'x' does not exist" }
  ],
  notebook: { path: 'projects/shop/analyst-1.ipynb', executed: true, cells: 3, error: null }
};

test('a run: Claude works, a dashboard is saved, one refused, the notebook runs', () => {
  const s = fold(
    'event: status\ndata: {"message": "started"}\n\n' +
      'event: text\ndata: {"text": "Joining "}\n\n' +
      'event: text\ndata: {"text": "the tables."}\n\n' +
      'event: tool\ndata: {"name": "Bash", "input": {"command": "python - <<EOF\\nimport pandas\\nEOF"}}\n\n' +
      'event: result\ndata: {"kind": "tool", "name": "Bash", "is_error": false, "output": "JOINED 500"}\n\n' +
      'event: tool\ndata: {"name": "Write", "input": {"file_path": "/p/analyst-1.ipynb", "content": "(9 characters)"}}\n\n' +
      `event: result\ndata: ${JSON.stringify({ kind: 'dashboard', ...RUN.dashboards[0] })}\n\n` +
      `event: error\ndata: ${JSON.stringify({ kind: 'dashboard', ...RUN.refused[0] })}\n\n` +
      `event: result\ndata: ${JSON.stringify({ kind: 'notebook', ...RUN.notebook })}\n\n` +
      `event: complete\ndata: ${JSON.stringify(RUN)}\n\n`
  );
  assert.equal(s.running, false);
  assert.equal(s.error, null);
  assert.deepEqual(
    s.log.map(e => [e.kind, e.text]),
    [
      ['status', 'started'],
      ['text', 'Joining the tables.'],
      ['tool', 'Bash: python - <<EOF …'],
      ['result', 'JOINED 500'],
      ['tool', 'Write: /p/analyst-1.ipynb'],
      ['result', 'Dashboard saved: Orders'],
      ['error', "Dashboard refused: widgets[3].encoding.y: column 'x' does not exist"],
      ['result', 'projects/shop/analyst-1.ipynb: ran top to bottom (3 code cells)']
    ]
  );
  assert.deepEqual(s.dashboards, RUN.dashboards);
  assert.deepEqual(s.refused, RUN.refused);
  assert.equal(s.notebook?.executed, true);
  assert.equal(s.run?.answer, 'Findings.');
});

test('a fatal error ends the run with the server message', () => {
  const s = fold(
    'event: status\ndata: {"message": "started"}\n\n' +
      'event: error\ndata: {"message": "the run was cancelled", "status": 409, "fatal": true}\n\n'
  );
  assert.equal(s.running, false);
  assert.equal(s.error, 'the run was cancelled');
  assert.equal(s.run, null);
});

test('a stream cut before complete says so', () => {
  const s = fold('event: status\ndata: {"message": "started"}\n\n');
  assert.equal(s.running, false);
  assert.match(s.error ?? '', /ended before Claude finished/);
});

test('a notebook that fails is reported with its cell', () => {
  const s = fold(
    'event: error\ndata: {"kind": "notebook", "message": "a.ipynb: code cell 2 raised KeyError: x", "path": "a.ipynb", "executed": false, "cells": 3}\n\n' +
      `event: complete\ndata: ${JSON.stringify({ ...RUN, notebook: { path: 'a.ipynb', executed: false, cells: 3, error: 'code cell 2 raised KeyError: x' } })}\n\n`
  );
  assert.equal(s.notebook?.executed, false);
  assert.equal(s.notebook?.error, 'code cell 2 raised KeyError: x');
  assert.deepEqual(s.log[0], { kind: 'error', text: 'a.ipynb: code cell 2 raised KeyError: x' });
});

test('the last run read with GET, and what is not a run', () => {
  const run = asRun(RUN);
  assert.ok(run);
  const s = fromRun(run);
  assert.equal(s.running, false);
  assert.equal(s.dashboards[0].id, 'orders-1a2b3c');
  assert.equal(asRun(null), null);
  assert.equal(asRun({ dashboards: [] }), null);
});

test('tool lines', () => {
  assert.equal(toolLine('Read', { file_path: '/p/data/a.csv' }), 'Read: /p/data/a.csv');
  assert.equal(toolLine('Glob', { pattern: '*.csv' }), 'Glob: *.csv');
  assert.equal(toolLine('TodoWrite', { todos: [] }), 'TodoWrite {"todos":[]}');
});
