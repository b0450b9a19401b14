import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { errorMessage } from './logic/errors';
import { ISSEEvent, SSEParser } from './logic/sse';

/** An Orpheus API error carrying the server's own message. */
export class OrpheusError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'OrpheusError';
  }
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
    throw new OrpheusError(errorMessage(response.status, text, response.statusText), response.status);
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
    throw new OrpheusError('The server sent an answer that is not JSON.', response.status);
  }
}

/** `requestAPI` with a JSON body. */
export function sendJSON<T>(endPoint: string, method: string, body: unknown): Promise<T> {
  return requestAPI<T>(endPoint, { method, body: JSON.stringify(body) });
}

/**
 * POST `body` to an Orpheus endpoint that answers with server-sent events, and hand
 * the events to `onEvents` as they arrive (the one event-stream client of the
 * extension: analysis, dashboard edits, chat and video renders all use it).
 */
export async function streamAPI(
  endPoint: string,
  body: unknown,
  onEvents: (events: ISSEEvent[]) => void,
  signal?: AbortSignal
): Promise<void> {
  const response = await fetchAPI(endPoint, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json' },
    signal
  });
  if (!response.body) {
    throw new OrpheusError('The server sent no progress stream.', response.status);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SSEParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    const events = parser.push(value);
    if (events.length) {
      onEvents(events);
    }
  }
  const rest = parser.flush();
  if (rest.length) {
    onEvents(rest);
  }
}
