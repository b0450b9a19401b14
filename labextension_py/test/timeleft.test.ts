import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { formatTimeLeft, trialState } from '../src/logic/timeleft';

const H = 3600000;

test('formats hours and minutes', () => {
  assert.equal(formatTimeLeft(23 * H + 5 * 60000 + 999), '23 h 5 min left');
  assert.equal(formatTimeLeft(4 * 60000), '4 min left');
  assert.equal(formatTimeLeft(59 * 1000), 'less than a minute left');
  assert.equal(formatTimeLeft(49 * H), '2 d 1 h left');
  assert.equal(formatTimeLeft(0), 'trial ended');
  assert.equal(formatTimeLeft(-5), 'trial ended');
  assert.equal(formatTimeLeft(null), 'trial');
});

test('reads the trial from the account, naive times are UTC', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  const s = trialState({ state: 'trial', trial_expires_at: '2026-11-25T12:30:00' }, now);
  assert.deepEqual(s, { isTrial: true, msLeft: 2.5 * H });
  const z = trialState({ status: 'trial', trial_expires_at: '2026-11-25T12:00:00+00:00' }, now);
  assert.equal(z.msLeft, 2 * H);
  assert.equal(trialState({ state: 'trial', seconds_left: 60 }, now).msLeft, 60000);
});

test('approved users and off-hub servers have no trial', () => {
  assert.equal(trialState({ state: 'approved', trial_expires_at: null }).isTrial, false);
  assert.equal(trialState(null).isTrial, false);
  assert.equal(trialState({ state: 'expired', trial_expires_at: 'nonsense' }).msLeft, null);
});

import { ago } from '../src/logic/format';

test('relative times', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  assert.equal(ago('2026-11-25T09:59:30Z', now), 'just now');
  assert.equal(ago('2026-11-25T09:55:00', now), '5 min ago');
  assert.equal(ago('2026-11-25T07:00:00+00:00', now), '3 h ago');
  assert.equal(ago('2026-11-23T10:00:00Z', now), '2 d ago');
  assert.equal(ago(null, now), '');
  assert.equal(ago('garbage', now), '');
});
