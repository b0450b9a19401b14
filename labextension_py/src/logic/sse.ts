/**
 * An incremental parser for server-sent events (the `text/event-stream` format).
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
