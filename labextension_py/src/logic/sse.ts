/**
 * Server-sent events (`text/event-stream`): the one client every Orpheus
 * stream goes through (analysis, dashboard edits, chat, insights, video
 * renders). `followStream` sends the request (the Lab's `ServerConnection`
 * request in the extension), parses the events as they arrive, folds them into
 * the stream's state by event name (`eventReducer`) and marks a stream cut
 * before its last event (`IEventStream.end`). Pure apart from the `send` it is
 * given, so node tests run it against a `Response` they build.
 */

/**
 * An incremental parser for server-sent events.
 *
 * Feed it text chunks as they arrive (they may split lines or events anywhere);
 * it returns the complete events. Follows the WHATWG rules: `data` lines are
 * joined with "\n", lines starting with ":" are comments, a blank line ends
 * an event, an event with no data is dropped.
 */
export interface ISSEEvent {
  event: string;
  data: string;
  id?: string;
}

export class SSEParser {
  private _buffer = '';
  private _data: string[] = [];
  private _event = '';
  private _id: string | undefined;

  /** Add a chunk; returns the events it completed. */
  push(chunk: string): ISSEEvent[] {
    this._buffer += chunk;
    const events: ISSEEvent[] = [];
    let match: RegExpExecArray | null;
    const lineEnd = /\r\n|\r|\n/;
    while ((match = lineEnd.exec(this._buffer)) !== null) {
      // A lone "\r" at the end of a chunk may be the first half of "\r\n".
      if (match[0] === '\r' && match.index === this._buffer.length - 1) {
        break;
      }
      const line = this._buffer.slice(0, match.index);
      this._buffer = this._buffer.slice(match.index + match[0].length);
      const event = this._line(line);
      if (event) {
        events.push(event);
      }
    }
    return events;
  }

  /** End of stream: a final event without its blank line still counts. */
  flush(): ISSEEvent[] {
    const events = this._buffer ? this.push('\n') : [];
    const last = this._line('');
    return last ? [...events, last] : events;
  }

  private _line(line: string): ISSEEvent | null {
    if (line === '') {
      if (this._data.length === 0) {
        this._event = '';
        return null;
      }
      const event: ISSEEvent = { event: this._event || 'message', data: this._data.join('\n') };
      if (this._id !== undefined) {
        event.id = this._id;
      }
      this._data = [];
      this._event = '';
      return event;
    }
    if (line.startsWith(':')) {
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'data') {
      this._data.push(value);
    } else if (field === 'event') {
      this._event = value;
    } else if (field === 'id') {
      this._id = value;
    }
    return null;
  }
}

/** Parse a whole event-stream text at once. */
export function parseSSE(text: string): ISSEEvent[] {
  const parser = new SSEParser();
  return [...parser.push(text), ...parser.flush()];
}

/** A progress fraction 0..1 from an event's JSON data (`overall`, `progress`, `percent` or `done/total`). */
export function progressOf(data: unknown): number | null {
  if (!data || typeof data !== 'object') {
    return null;
  }
  const d = data as Record<string, unknown>;
  let value: number | null = null;
  if (typeof d.overall === 'number') {
    value = d.overall;
  } else if (typeof d.progress === 'number') {
    value = d.progress > 1 ? d.progress / 100 : d.progress;
  } else if (typeof d.percent === 'number') {
    value = d.percent / 100;
  } else if (typeof d.done === 'number' && typeof d.total === 'number' && d.total > 0) {
    value = d.done / d.total;
  }
  return value === null ? null : Math.max(0, Math.min(1, value));
}

/** An event's data as an object: its JSON object, or `{message: data}` for anything else (plain text, a JSON string). */
export function eventData(data: string): Record<string, unknown> {
  try {
    const value = JSON.parse(data);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : { message: String(value) };
  } catch {
    return { message: data };
  }
}

/** A string field of event data, '' when it is missing or not a string. */
export function textOf(data: Record<string, unknown>, key = 'message'): string {
  const value = data[key];
  return typeof value === 'string' ? value : '';
}

/** The words of an `error` event: the server's JSON `message` as it is, else `fallback`. */
export function errorText(data: Record<string, unknown>, fallback: string): string {
  return textOf(data) || fallback;
}

/** What one event (its decoded data) does to a stream's state. */
export type EventHandler<S> = (state: S, data: Record<string, unknown>) => S;

/** An event as the reducers take it (name and raw data). */
export type NamedEvent = Pick<ISSEEvent, 'event' | 'data'>;

/** A reducer dispatching each event by its name; events without a handler leave the state as it is. */
export function eventReducer<S>(handlers: Record<string, EventHandler<S>>): (state: S, event: NamedEvent) => S {
  return (state, event) => {
    const handler = Object.prototype.hasOwnProperty.call(handlers, event.event) ? handlers[event.event] : null;
    return handler ? handler(state, eventData(event.data)) : state;
  };
}

/** How one endpoint's stream is folded into the state its view draws. */
export interface IEventStream<S> {
  /** The state before the first event. */
  start: () => S;
  /** The state after one event. */
  apply: (state: S, event: NamedEvent) => S;
  /** The state when the stream ended: a stream cut before its last event says so here. */
  end: (state: S) => S;
  /** Stop reading once this holds (a fatal error the view reports at once). */
  stop?: (state: S) => boolean;
}

/** Sends a stream's request: the Lab's `ServerConnection` request (settings, token, XSRF) in the extension. */
export type StreamSend = (init: RequestInit) => Promise<Response>;

/** The request of an event stream: a JSON body POSTed, asking for `text/event-stream`. */
export function streamRequest(body: unknown, signal?: AbortSignal): RequestInit {
  return {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json' },
    signal
  };
}

/** Read a response's events as they arrive; `onEvents` gets each batch and returns true to stop reading. */
export async function readEvents(response: Response, onEvents: (events: ISSEEvent[]) => boolean | void): Promise<void> {
  if (!response.body) {
    throw new Error('The server sent no progress stream.');
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SSEParser();
  for (;;) {
    const { value, done } = await reader.read();
    const events = done ? parser.flush() : parser.push(value);
    if (events.length && onEvents(events) === true) {
      await reader.cancel().catch(() => undefined);
      return;
    }
    if (done) {
      return;
    }
  }
}

/**
 * The one event-stream client: send the request, fold its events into the
 * stream's state, hand every new state to `onState` (the start, after each
 * batch of events, the end) and resolve with the final state. A refused
 * request rejects with `send`'s error (the server's message).
 */
export async function followStream<S>(
  send: StreamSend,
  body: unknown,
  stream: IEventStream<S>,
  onState: (state: S) => void = () => undefined,
  signal?: AbortSignal
): Promise<S> {
  let state = stream.start();
  onState(state);
  const response = await send(streamRequest(body, signal));
  await readEvents(response, events => {
    state = events.reduce((s: S, e: ISSEEvent) => stream.apply(s, e), state);
    onState(state);
    return stream.stop?.(state) ?? false;
  });
  state = stream.end(state);
  onState(state);
  return state;
}
