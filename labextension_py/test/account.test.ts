import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  blockedTitle,
  IAccountState,
  isBlocked,
  OneDialogGate,
  parseAccountState,
  shouldCheckAccount
} from '../src/logic/account';

test('the statuses a stopped or signed-out account produces are checked, others are not', () => {
  for (const status of [401, 403, 424, 502, 503]) {
    assert.equal(shouldCheckAccount(status), true, String(status));
  }
  for (const status of [200, 400, 404, 409, 500]) {
    assert.equal(shouldCheckAccount(status), false, String(status));
  }
  assert.equal(shouldCheckAccount(200, true), true, 'a login page in place of JSON');
});

const revoked = {
  name: 'ada',
  state: 'revoked',
  blocked: true,
  message: 'Your account has been revoked by an administrator.',
  actions: [{ label: 'Log out', url: '/hub/logout' }]
};

test('a blocked answer is read as it is', () => {
  const state = parseAccountState(200, revoked);
  assert.deepEqual(state, revoked);
  assert.equal(isBlocked(state), true);
  assert.equal(blockedTitle('revoked'), 'Your account was revoked');
  assert.equal(blockedTitle('expired'), 'Your trial has ended');
});

test('an approved or trial account is not blocked', () => {
  for (const state of ['approved', 'trial']) {
    const parsed = parseAccountState(200, { name: 'ada', state, blocked: false, message: 'ok', actions: [] });
    assert.equal(isBlocked(parsed), false, state);
  }
});

test('401 is signed out, with a login action under the hub prefix when the body has none', () => {
  const state = parseAccountState(401, 'not json', '/prefix/hub/');
  assert.equal(state?.state, 'signed_out');
  assert.equal(isBlocked(state), true);
  assert.deepEqual(state?.actions, [{ label: 'Log in', url: '/prefix/hub/login' }]);
});

test('answers that are not account states are ignored', () => {
  assert.equal(parseAccountState(404, '<html>'), null);
  assert.equal(parseAccountState(200, '<html>'), null);
  assert.equal(parseAccountState(200, { state: 'revoked' }), null);
  assert.equal(parseAccountState(500, revoked), null);
});

test('actions that leave the site through other schemes are dropped', () => {
  const state = parseAccountState(200, {
    ...revoked,
    actions: [
      { label: 'Evil', url: 'javascript:alert(1)' },
      { label: 'Other host', url: '//evil.example/x' },
      { label: 'Log out', url: '/hub/logout' },
      { label: 42, url: '/hub/x' }
    ]
  });
  assert.deepEqual(state?.actions, [{ label: 'Log out', url: '/hub/logout' }]);
});

test('many failures at once make one check and one dialog', async () => {
  const gate = new OneDialogGate(1000);
  let checks = 0;
  let shown = 0;
  let close: () => void = () => undefined;
  const check = async () => {
    checks++;
    return parseAccountState(200, revoked);
  };
  const show = (_: IAccountState) => {
    shown++;
    return new Promise<void>(resolve => (close = resolve));
  };
  const states = await Promise.all([gate.run(check, show), gate.run(check, show), gate.run(check, show)]);
  assert.deepEqual(
    states.map(s => s?.state),
    ['revoked', 'revoked', 'revoked']
  );
  assert.equal(gate.isOpen, true);
  assert.equal((await gate.run(check, show))?.state, 'revoked'); // while the dialog is open: no new check
  assert.equal(checks, 1);
  assert.equal(shown, 1);
  close();
  await new Promise(resolve => setImmediate(resolve));
  assert.equal(gate.isOpen, false);
  assert.equal((await gate.run(check, show, Date.now()))?.state, 'revoked'); // right after closing: quiet
  assert.equal(checks, 1);
  await gate.run(check, show, Date.now() + 2000); // later: asks again, and shows again
  assert.equal(checks, 2);
  assert.equal(shown, 2);
  close();
});

test('an account that is fine, or a hub that cannot say, shows nothing', async () => {
  const gate = new OneDialogGate(0);
  let shown = 0;
  const show = async () => void shown++;
  const fine = await gate.run(
    async () => parseAccountState(200, { ...revoked, state: 'approved', blocked: false }),
    show
  );
  const unknown = await gate.run(async () => {
    throw new Error('network');
  }, show);
  assert.equal(fine, null);
  assert.equal(unknown, null);
  assert.equal(shown, 0);
});
