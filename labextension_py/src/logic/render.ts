/**
 * The state of one Video Studio render, folded from the server-sent events of
 * `POST .../video/render` (`queued`, `status`, `progress` {fraction},
 * `result`, `error`, `complete`). Pure; the side panel draws it.
 */
import { errorText, eventReducer, IEventStream, progressOf, textOf } from './sse';

export interface IRenderResult {
  file: string;
  [key: string]: unknown;
}

export interface IRenderState {
  /** 0..1 */
  fraction: number;
  message: string;
  running: boolean;
  /** The server's error message, shown unchanged. */
  error: string | null;
  result: IRenderResult | null;
}

export function startRender(): IRenderState {
  return { fraction: 0, message: 'Starting…', running: true, error: null, result: null };
}

/** The state after one event (the input is not changed). */
export const applyRenderEvent = eventReducer<IRenderState>({
  queued: (state, data) => {
    const position = typeof data.position === 'number' ? data.position : 0;
    return { ...state, message: position > 0 ? `Queued (position ${position})` : 'Queued' };
  },
  status: (state, data) => ({ ...state, message: textOf(data) || state.message }),
  progress: (state, data) => {
    const fraction = typeof data.fraction === 'number' ? data.fraction : progressOf(data);
    return fraction === null
      ? state
      : {
          ...state,
          fraction: Math.max(0, Math.min(1, fraction)),
          message: state.error ? state.message : 'Rendering'
        };
  },
  result: (state, data) =>
    typeof data.file === 'string'
      ? { ...state, fraction: 1, message: `Rendered ${data.file}`, result: data as IRenderResult }
      : state,
  error: (state, data) => ({ ...state, error: errorText(data, 'The render failed.'), message: 'Failed' }),
  complete: state => ({
    ...state,
    running: false,
    fraction: state.error ? state.fraction : 1,
    message: state.error ? 'Failed' : state.result ? `Rendered ${state.result.file}` : 'Done'
  })
});

/** The state when the stream ended, whether or not `complete` came. */
export function endRender(state: IRenderState): IRenderState {
  if (!state.running) {
    return state;
  }
  if (state.error || state.result) {
    return applyRenderEvent(state, { event: 'complete', data: '{}' });
  }
  return { ...state, running: false, error: 'The render stopped before it finished.', message: 'Failed' };
}

/** The stream of one render, for `followStream`. */
export const renderStream: IEventStream<IRenderState> = { start: startRender, apply: applyRenderEvent, end: endRender };
