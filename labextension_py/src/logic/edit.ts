/**
 * A natural-language dashboard edit: the progress list folded from the
 * server-sent events of `POST .../dashboards/{id}/edit` (`status`, `text`,
 * `tool` {name, input}, `result` {name, ok, message}, `error` {message,
 * retrying? | fatal?}, `complete` {changed, message, spec}). Pure.
 */
import { errorText, eventReducer, IEventStream, textOf } from './sse';

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

/** The last tool step still waiting for its result with that name (any name when ''), or -1. */
function pendingTool(steps: IEditStep[], name: string): number {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (s.kind === 'tool' && s.ok === null && (!name || s.text === name)) {
      return i;
    }
  }
  return -1;
}

/** The state after one event (the input is not changed). */
export const applyEditEvent = eventReducer<IEditState>({
  status: (state, data) => {
    const message = textOf(data);
    if (!message) {
      return state;
    }
    const attempt = typeof data.attempt === 'number' && data.attempt > 1 ? ` (attempt ${data.attempt})` : '';
    return { ...state, steps: [...state.steps, { kind: 'status', text: message + attempt, ok: null }] };
  },
  text: (state, data) => ({ ...state, text: state.text + textOf(data, 'text') }),
  tool: (state, data) => {
    const name = textOf(data, 'name') || 'tool';
    return { ...state, steps: [...state.steps, { kind: 'tool', text: name.replace(/_/g, ' '), ok: null }] };
  },
  result: (state, data) => {
    const name = textOf(data, 'name').replace(/_/g, ' ');
    const ok = data.ok === true;
    const index = pendingTool(state.steps, name);
    const text = `${name}: ${textOf(data) || (ok ? 'applied' : 'refused')}`;
    if (index === -1) {
      return { ...state, steps: [...state.steps, { kind: 'tool', text, ok }] };
    }
    const steps = state.steps.slice();
    steps[index] = { kind: 'tool', text, ok };
    return { ...state, steps };
  },
  error: (state, data) => {
    const text = errorText(data, 'The edit failed.');
    if (data.fatal) {
      return { ...state, error: text, running: false };
    }
    return {
      ...state,
      steps: [...state.steps, { kind: 'error', text: data.retrying ? `${text} (retrying)` : text, ok: false }]
    };
  },
  complete: (state, data) => ({
    ...state,
    running: false,
    changed: data.changed === true,
    text: textOf(data) || state.text
  })
});

/** The state when the stream ended, whether or not `complete` came. */
export function endEdit(state: IEditState): IEditState {
  if (!state.running) {
    return state;
  }
  return { ...state, running: false, error: state.error ?? 'The edit stopped before it finished.' };
}

/** The stream of one edit, for `followStream`. */
export const editStream: IEventStream<IEditState> = { start: startEdit, apply: applyEditEvent, end: endEdit };
