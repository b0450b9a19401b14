/**
 * A natural-language dashboard edit: the progress list folded from the
 * server-sent events of `POST .../dashboards/{id}/edit` (`status`, `text`,
 * `tool` {name, input}, `result` {name, ok, message}, `error` {message,
 * retrying? | fatal?}, `complete` {changed, message, spec}). Pure.
 */

export interface IEditStep {
  kind: 'status' | 'tool' | 'error';
  text: string;
  /** For tool calls: whether the server applied it (null until it says). */
  ok: boolean | null;
}

export interface IEditState {
  steps: IEditStep[];
  /** The model's words so far. */
  text: string;
  running: boolean;
  /** The server's message of a fatal error, shown unchanged. */
  error: string | null;
  /** From `complete`: whether a new version was saved. */
  changed: boolean | null;
}

export function startEdit(): IEditState {
  return { steps: [], text: '', running: true, error: null, changed: null };
}

function decode(data: string): Record<string, unknown> {
  try {
    const value = JSON.parse(data);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : { message: String(value) };
  } catch {
    return { message: data };
  }
}

/** The state after one event (the input is not changed). */
export function applyEditEvent(state: IEditState, event: { event: string; data: string }): IEditState {
  const data = decode(event.data);
  const message = typeof data.message === 'string' ? data.message : '';
  switch (event.event) {
    case 'status': {
      if (!message) {
        return state;
      }
      const attempt = typeof data.attempt === 'number' && data.attempt > 1 ? ` (attempt ${data.attempt})` : '';
      return { ...state, steps: [...state.steps, { kind: 'status', text: message + attempt, ok: null }] };
    }
    case 'text':
      return { ...state, text: state.text + (typeof data.text === 'string' ? data.text : '') };
    case 'tool': {
      const name = typeof data.name === 'string' ? data.name : 'tool';
      return { ...state, steps: [...state.steps, { kind: 'tool', text: name.replace(/_/g, ' '), ok: null }] };
    }
    case 'result': {
      const name = typeof data.name === 'string' ? data.name.replace(/_/g, ' ') : '';
      const ok = data.ok === true;
      // The last tool step still waiting for its result, with that name.
      let index = -1;
      for (let i = state.steps.length - 1; i >= 0; i--) {
        const s = state.steps[i];
        if (s.kind === 'tool' && s.ok === null && (!name || s.text === name)) {
          index = i;
          break;
        }
      }
      const text = `${name}: ${message || (ok ? 'applied' : 'refused')}`;
      if (index === -1) {
        return { ...state, steps: [...state.steps, { kind: 'tool', text, ok }] };
      }
      const steps = state.steps.slice();
      steps[index] = { kind: 'tool', text, ok };
      return { ...state, steps };
    }
    case 'error': {
      const text = message || 'The edit failed.';
      if (data.fatal) {
        return { ...state, error: text, running: false };
      }
      return {
        ...state,
        steps: [...state.steps, { kind: 'error', text: data.retrying ? `${text} (retrying)` : text, ok: false }]
      };
    }
    case 'complete':
      return {
        ...state,
        running: false,
        changed: data.changed === true,
        text: typeof data.message === 'string' && data.message ? data.message : state.text
      };
    default:
      return state;
  }
}

/** The state when the stream ended, whether or not `complete` came. */
export function endEdit(state: IEditState): IEditState {
  if (!state.running) {
    return state;
  }
  return { ...state, running: false, error: state.error ?? 'The edit stopped before it finished.' };
}
