/**
 * A blocked account, as the hub's `GET <hub prefix>orpheus/account-state` says:
 * `{"name", "state", "blocked", "message", "actions": [{"label", "url"}]}`
 * (401 with state `signed_out` when the hub login cookie is gone).
 */

export type AccountStateName = 'approved' | 'trial' | 'pending' | 'revoked' | 'expired' | 'deleted' | 'signed_out';

export interface IAccountAction {
  label: string;
  url: string;
}

export interface IAccountState {
  name: string | null;
  state: AccountStateName | string;
  blocked: boolean;
  message: string;
  actions: IAccountAction[];
}

/** The answers of a user server that may mean the account was stopped or signed out. */
export const SUSPECT_STATUSES: ReadonlySet<number> = new Set([401, 403, 424, 502, 503]);

/**
 * Whether a failed (or odd) answer is worth asking the hub about the account:
 * one of `SUSPECT_STATUSES`, or a body that is not JSON where JSON was expected
 * (a login page served in place of the API answer).
 */
export function shouldCheckAccount(status: number, notJSON = false): boolean {
  return SUSPECT_STATUSES.has(status) || notJSON;
}

/**
 * Read the account-state answer; null when it is not one (no hub, an old hub
 * without the route, a proxy's error page). A 401 always means signed out.
 */
export function parseAccountState(status: number, body: unknown, hubPrefix = '/hub/'): IAccountState | null {
  const doc = body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  if (status === 401) {
    return {
      name: null,
      state: 'signed_out',
      blocked: true,
      message: text(doc?.message) || 'You are signed out of the hub. Log in again to continue.',
      actions: actions(doc?.actions, [{ label: 'Log in', url: `${hubPrefix}login` }])
    };
  }
  if (status !== 200 || !doc || typeof doc.state !== 'string' || typeof doc.blocked !== 'boolean') {
    return null;
  }
  return {
    name: typeof doc.name === 'string' ? doc.name : null,
    state: doc.state,
    blocked: doc.blocked || doc.state === 'signed_out',
    message: text(doc.message) || `Your account is ${doc.state.replace('_', ' ')}.`,
    actions: actions(doc.actions, [])
  };
}

/** Whether the state calls for the blocked-account dialog. */
export function isBlocked(state: IAccountState | null): state is IAccountState {
  return !!state && (state.blocked || state.state === 'signed_out');
}

/** The dialog's title for a state, in plain words. */
export function blockedTitle(state: string): string {
  switch (state) {
    case 'revoked':
      return 'Your account was revoked';
    case 'expired':
      return 'Your trial has ended';
    case 'pending':
      return 'Your account is waiting for approval';
    case 'deleted':
      return 'Your account was deleted';
    case 'signed_out':
      return 'You are signed out';
    default:
      return 'Your account cannot be used right now';
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Only well-formed actions whose URL stays on this site (a relative path or http(s)). */
function actions(value: unknown, fallback: IAccountAction[]): IAccountAction[] {
  if (!Array.isArray(value)) {
    return fallback;
  }
  const ok = value.filter(
    (a): a is IAccountAction =>
      !!a &&
      typeof a === 'object' &&
      typeof (a as IAccountAction).label === 'string' &&
      typeof (a as IAccountAction).url === 'string' &&
      /^(\/(?!\/)|https?:\/\/)/.test((a as IAccountAction).url)
  );
  return ok.length ? ok.map(a => ({ label: a.label, url: a.url })) : fallback;
}

/**
 * At most one account check at a time and at most one dialog: concurrent
 * failures share the check in flight; while the dialog is open, or for
 * `quietMs` after it closed, nothing is asked and the last state is reused.
 */
export class OneDialogGate {
  private _pending: Promise<IAccountState | null> | null = null;
  private _open = false;
  private _quietUntil = 0;
  private _last: IAccountState | null = null;

  constructor(private _quietMs = 30000) {}

  /** Whether a dialog is showing. */
  get isOpen(): boolean {
    return this._open;
  }

  /**
   * Resolve with the account state (null when it is fine or unknown) as soon
   * as `check` answers; a blocked state is handed to `show` (not awaited: it
   * resolves when the dialog closes).
   */
  run(
    check: () => Promise<IAccountState | null>,
    show: (state: IAccountState) => Promise<void>,
    now: number = Date.now()
  ): Promise<IAccountState | null> {
    if (this._pending) {
      return this._pending;
    }
    if (this._open || now < this._quietUntil) {
      return Promise.resolve(this._last);
    }
    const pending = (async () => {
      let state: IAccountState | null;
      try {
        state = await check();
      } catch {
        state = null; // the hub cannot say: the caller's own error stands
      }
      this._last = isBlocked(state) ? state : null;
      if (this._last) {
        this._open = true;
        void show(this._last).finally(() => {
          this._open = false;
          this._quietUntil = Date.now() + this._quietMs;
        });
      }
      return this._last;
    })();
    this._pending = pending;
    void pending.finally(() => (this._pending = null));
    return pending;
  }
}
