import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { applyInsightsEvent, asInsightsDoc, endInsights, startInsights } from '../src/logic/insights';
import { describeMissing, missingByColumn } from '../src/logic/missing';
import { parseSSE } from '../src/logic/sse';
import { baseName, orderQualities, plural, when } from '../src/logic/words';

test('plural says 1 command and 2 commands', () => {
  assert.equal(plural(1, 'command'), '1 command');
  assert.equal(plural(2, 'command'), '2 commands');
  assert.equal(plural(0, 'command'), '0 commands');
  assert.equal(plural(1, 'entry', 'entries'), '1 entry');
  assert.equal(plural(12000, 'row'), '12,000 rows');
});

test('relative times with the full time for the tooltip', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  assert.equal(when('2026-12-04T11:59:30Z', now).text, 'just now');
  assert.equal(when('2026-12-04T11:57:00Z', now).text, '3 min ago');
  assert.equal(when('2026-12-04T11:57:00+00:00', now).text, '3 min ago');
  assert.equal(when('2026-12-04T11:57:00', now).text, '3 min ago', 'naive stamps are UTC');
  assert.equal(when('2026-12-04T09:00:00Z', now).text, '3 h ago');
  assert.equal(when('2026-12-03T09:00:00Z', now).text, 'yesterday');
  assert.equal(when('2026-11-29T12:00:00Z', now).text, '5 days ago');
  assert.equal(when('2026-12-04T12:10:00Z', now).text, 'in 10 min');
  assert.notEqual(when('2026-12-04T11:57:00Z', now).full, '');
  assert.doesNotMatch(when('2026-12-04T11:57:00Z', now).full, /T11:57/, 'not raw ISO');
  assert.deepEqual(when(null, now), { text: '', full: '' });
  assert.deepEqual(when('not a date', now), { text: '', full: '' });
});

test('qualities from low to high', () => {
  assert.deepEqual(orderQualities(['high', 'low', 'medium']), ['low', 'medium', 'high']);
  assert.deepEqual(orderQualities(['4k', 'high', 'low']), ['low', 'high', '4k']);
  assert.equal(baseName('projects/a/video/out/x.mp4'), 'x.mp4');
});

test('per-column missing values from column profiles', () => {
  const entry = {
    rows: 200,
    column_profiles: [
      { name: 'region', missing: 0, missing_ratio: 0 },
      { name: 'revenue', missing: 7, missing_ratio: 0.035 },
      { name: 'notes', missing_count: 50 }
    ]
  };
  const cols = missingByColumn(entry);
  assert.deepEqual(cols, [
    { name: 'region', count: 0, share: 0 },
    { name: 'revenue', count: 7, share: 0.035 },
    { name: 'notes', count: 50, share: 0.25 }
  ]);
  assert.equal(describeMissing(cols![0]), 'none');
  assert.equal(describeMissing(cols![1]), '7 (3.5 %)');
  assert.equal(describeMissing({ name: 'x', count: null, share: 0.5 }), '50.0 %');
});

test('missing values from a map, and none when the result has none', () => {
  assert.deepEqual(missingByColumn({ rows: 10, missing_by_column: { a: 2, b: { missing_share: 0.1 } } }), [
    { name: 'a', count: 2, share: 0.2 },
    { name: 'b', count: null, share: 0.1 }
  ]);
  assert.equal(missingByColumn({ rows: 10, column_profiles: [{ name: 'a', distinct: 3 }] }), null);
  assert.equal(missingByColumn({ status: 'failed' }), null);
});

test('insights stream: text, then the stored document', () => {
  const s = endInsights(
    parseSSE(
      'event: status\ndata: {"message": "started"}\n\n' +
        'event: text\ndata: {"text": "Sales "}\n\n' +
        'event: text\ndata: {"text": "grew."}\n\n' +
        'event: complete\ndata: {"text": "Sales grew.", "model": "m", "created_at": "2026-12-04T12:00:00+00:00", "analyzed_at": null}\n\n'
    ).reduce(applyInsightsEvent, startInsights())
  );
  assert.equal(s.running, false);
  assert.equal(s.error, null);
  assert.equal(s.text, 'Sales grew.');
  assert.equal(s.doc?.model, 'm');
});

test('insights stream: the server message of a fatal error, and a cut stream', () => {
  const failed = endInsights(
    parseSSE(
      'event: error\ndata: {"message": "AI is not configured on this hub.", "status": 503, "fatal": true}\n\n'
    ).reduce(applyInsightsEvent, startInsights())
  );
  assert.equal(failed.error, 'AI is not configured on this hub.');
  assert.equal(failed.running, false);
  const cut = endInsights(
    parseSSE('event: text\ndata: {"text": "Sal"}\n\n').reduce(applyInsightsEvent, startInsights())
  );
  assert.equal(cut.error, 'The insights stopped before they finished.');
  assert.equal(asInsightsDoc({ model: 'x' }), null);
});
