/**
 * The blocked-account dialog: when a request fails the way a revoked, expired,
 * pending, deleted or signed-out account makes it fail, the hub's
 * `GET <hub prefix>orpheus/account-state` says why, and ONE modal dialog shows
 * the reason with the hub's ways out (log in, log out, ...).
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';

import { blockedTitle, IAccountState, OneDialogGate, parseAccountState } from './logic/account';

/** The account-state URL of the hub this Lab runs under; null off-hub. */
export function accountStateUrl(): string | null {
  const prefix = PageConfig.getOption('hubPrefix');
  return prefix ? URLExt.join(prefix, 'orpheus', 'account-state') : null;
}

/** Ask the hub (with its login cookie) about this browser's account; null when it cannot say. */
export async function fetchAccountState(): Promise<IAccountState | null> {
  const url = accountStateUrl();
  if (!url) {
    return null;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' }
    });
  } catch {
    return null;
  }
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: parseAccountState decides (a 401 still means signed out)
  }
  return parseAccountState(response.status, body, PageConfig.getOption('hubPrefix') || '/hub/');
}

/** The body of the dialog: the hub's message, as it is. */
class BlockedBody extends Widget {
  constructor(state: IAccountState) {
    super();
    this.addClass('orpheus-Blocked');
    this.node.dataset.accountState = state.state;
    const message = document.createElement('p');
    message.className = 'orpheus-Blocked-message';
    message.setAttribute('role', 'alert');
    message.textContent = state.message;
    this.node.appendChild(message);
  }
}

/**
 * Show the dialog (buttons: the hub's actions, then "Close"); an action
 * button goes to its URL. Resolves when the dialog is closed.
 */
export async function showBlockedDialog(state: IAccountState): Promise<void> {
  const actions = state.actions.map(a => Dialog.okButton({ label: a.label, ariaLabel: a.label }));
  const result = await showDialog({
    title: blockedTitle(state.state),
    body: new BlockedBody(state),
    buttons: [Dialog.cancelButton({ label: 'Close', ariaLabel: 'Close this message' }), ...actions],
    defaultButton: actions.length ? 1 : 0,
    hasClose: false
  });
  const chosen = state.actions.find(a => a.label === result.button.label && result.button.accept);
  if (chosen) {
    window.location.assign(chosen.url);
  }
}

/** One check at a time, one dialog at a time, for the whole page. */
export class AccountGuard {
  private _gate = new OneDialogGate();

  /** Ask the hub and show the dialog when the account is blocked; resolves with the blocked state or null. */
  check(): Promise<IAccountState | null> {
    return this._gate.run(fetchAccountState, showBlockedDialog);
  }
}
