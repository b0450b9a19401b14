import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { IDisposable } from '@lumino/disposable';

import { IAccountState, shouldCheckAccount } from './logic/account';
import { errorMessage } from './logic/errors';
import { followStream, IEventStream, StreamSend } from './logic/sse';

/**
 * An Orpheus API error carrying the server's own message. When the failure
 * came from a blocked or signed-out account, `account` holds the hub's
 * account state and the message is its reason (the blocked-account dialog
 * shows it; notifications skip such errors).
 */
export class OrpheusError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly account: IAccountState | null = null
  ) {
    super(message);
    this.name = 'OrpheusError';
  }
}

/** Asks the hub about the account after a suspect answer; null when it is not blocked (or cannot say). */
export type AccountCheck = (status: number, notJSON: boolean) => Promise<IAccountState | null>;

/** The installed account check (the blocked-account plugin installs one). */
const accountChecks: AccountCheck[] = [];

/** Have `check` asked whenever an Orpheus request fails in a way a blocked account would make it fail. */
export function installAccountCheck(check: AccountCheck): IDisposable {
  accountChecks.push(check);
  let disposed = false;
  return {
    get isDisposed() {
      return disposed;
    },
    dispose: () => {
      disposed = true;
      accountChecks.splice(accountChecks.indexOf(check), 1);
    }
  };
}

/** The error for a failed answer: the account's reason when it is blocked, else `fallback`. */
async function failure(status: number, notJSON: boolean, fallback: string): Promise<OrpheusError> {
  const check = accountChecks[accountChecks.length - 1];
  if (check && shouldCheckAccount(status, notJSON)) {
    const account = await check(status, notJSON).catch(() => null);
    if (account) {
      return new OrpheusError(account.message, status, account);
    }
  }
  return new OrpheusError(fallback, status);
}

/** The URL of an Orpheus API endpoint (`<base>/orpheus/api/<endPoint>`). */
export function apiUrl(endPoint = ''): string {
  const settings = ServerConnection.makeSettings();
  return URLExt.join(settings.baseUrl, 'orpheus', 'api', endPoint);
}

/** Send a request to the Orpheus API with Jupyter's auth (token or cookie + XSRF). */
export async function fetchAPI(endPoint = '', init: RequestInit = {}): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(apiUrl(endPoint), init, settings);
  } catch (error) {
    throw new OrpheusError(`Cannot reach the server: ${(error as Error).message}`, 0);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw await failure(response.status, false, errorMessage(response.status, text, response.statusText));
  }
  return response;
}

/**
 * Call the Orpheus REST API and decode its JSON answer.
 *
 * Errors become an `OrpheusError` whose message is the server's
 * `{"message": ...}` as it is, ready for `Notification.error`.
 */
export async function requestAPI<T>(endPoint = '', init: RequestInit = {}): Promise<T> {
  const response = await fetchAPI(endPoint, init);
  const text = await response.text();
  if (!text) {
    return undefined as T;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    // Often a login page served in place of the answer: ask the hub why first.
    throw await failure(response.status, true, 'The server sent an answer that is not JSON.');
  }
}

/** `requestAPI` with a JSON body. */
export function sendJSON<T>(endPoint: string, method: string, body: unknown): Promise<T> {
  return requestAPI<T>(endPoint, { method, body: JSON.stringify(body) });
}

/** The Lab's request of an event stream at `endPoint` (token, XSRF; a refusal rejects with the server's message). */
function streamSend(endPoint: string): StreamSend {
  return async init => {
    const response = await fetchAPI(endPoint, init);
    if (!response.body) {
      throw new OrpheusError('The server sent no progress stream.', response.status);
    }
    return response;
  };
}

/**
 * POST `body` to an Orpheus endpoint that answers with server-sent events and
 * fold them with `stream` (`followStream` in `logic/sse.ts`, the one
 * event-stream client: analysis, dashboard edits, chat, insights and video
 * renders all go through it). `onState` gets every new state; resolves with
 * the last one.
 */
export function streamAPI<S>(
  endPoint: string,
  body: unknown,
  stream: IEventStream<S>,
  onState?: (state: S) => void,
  signal?: AbortSignal
): Promise<S> {
  return followStream(streamSend(endPoint), body, stream, onState, signal);
}
