/**
 * LLM insights on an analysis, folded from the server-sent events of
 * `POST .../analysis/insights` (`status`, `text` {text}, `error` {message,
 * fatal?}, `complete` {text, model, created_at, analyzed_at}). Pure.
 */
import { errorText, eventReducer, IEventStream, textOf } from './sse';

export interface IInsightsDoc {
  text: string;
  model: string | null;
  created_at: string | null;
  analyzed_at: string | null;
}

export interface IInsightsState {
  /** The model's words so far (the stored text once complete). */
  text: string;
  running: boolean;
  /** The server's message of a fatal error, shown unchanged. */
  error: string | null;
  doc: IInsightsDoc | null;
}

export function startInsights(): IInsightsState {
  return { text: '', running: true, error: null, doc: null };
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A stored insights document (GET answer or `complete` data), or null when it is not one. */
export function asInsightsDoc(value: unknown): IInsightsDoc | null {
  if (!value || typeof value !== 'object') {
    return null;
  }
  const record = value as Record<string, unknown>;
  const text = str(record.text);
  if (text === null) {
    return null;
  }
  return { text, model: str(record.model), created_at: str(record.created_at), analyzed_at: str(record.analyzed_at) };
}

/** The state after one event (the input is not changed). */
export const applyInsightsEvent = eventReducer<IInsightsState>({
  text: (state, data) => ({ ...state, text: state.text + textOf(data, 'text') }),
  // Every error of this endpoint ends it (there is no retry to wait for).
  error: (state, data) => ({
    ...state,
    running: data.retrying ? state.running : false,
    error: errorText(data, 'The insights failed.')
  }),
  complete: (state, data) => {
    const doc = asInsightsDoc(data);
    return { ...state, running: false, doc, text: doc?.text || state.text };
  }
});

/** The state when the stream ended, whether or not `complete` came. */
export function endInsights(state: IInsightsState): IInsightsState {
  if (!state.running && (state.doc || state.error)) {
    return state;
  }
  return { ...state, running: false, error: state.error ?? 'The insights stopped before they finished.' };
}

/** The stream of one request for insights, for `followStream`. */
export const insightsStream: IEventStream<IInsightsState> = {
  start: startInsights,
  apply: applyInsightsEvent,
  end: endInsights
};
