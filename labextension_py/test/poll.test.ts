import assert from 'node:assert/strict';
import { test } from 'node:test';

import { intervalMs, Throttle } from '../src/logic/poll';

test('the refresh interval follows the setting, with a floor and a fallback', () => {
  assert.equal(intervalMs(2), 120000);
  assert.equal(intervalMs(10), 600000);
  assert.equal(intervalMs(0.1), 30000);
  assert.equal(intervalMs(0), 120000);
  assert.equal(intervalMs(-5), 120000);
  assert.equal(intervalMs('3'), 120000);
  assert.equal(intervalMs(Number.NaN, 5), 300000);
});

test('focus bursts refresh once', () => {
  const throttle = new Throttle(10000);
  assert.equal(throttle.ready(1000), true);
  assert.equal(throttle.ready(1500), false);
  assert.equal(throttle.ready(10999), false);
  assert.equal(throttle.ready(11000), true);
});
