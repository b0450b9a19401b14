/**
 * The state of one Video Studio render, folded from the server-sent events of
 * `POST .../video/render` (`queued`, `status`, `progress` {fraction},
 * `result`, `error`, `complete`). Pure; the side panel draws it.
 */
import { progressOf } from './sse';

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

function decode(data: string): Record<string, unknown> {
  try {
    const value = JSON.parse(data);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : { message: String(value) };
  } catch {
    return { message: data };
  }
}

/** The state after one event (the input is not changed). */
export function applyRenderEvent(state: IRenderState, event: { event: string; data: string }): IRenderState {
  const data = decode(event.data);
  const message = typeof data.message === 'string' ? data.message : '';
  switch (event.event) {
    case 'queued': {
      const position = typeof data.position === 'number' ? data.position : 0;
      return { ...state, message: position > 0 ? `Queued (position ${position})` : 'Queued' };
    }
    case 'status':
      return { ...state, message: message || state.message };
    case 'progress': {
      const fraction = typeof data.fraction === 'number' ? data.fraction : progressOf(data);
      return fraction === null
        ? state
        : {
            ...state,
            fraction: Math.max(0, Math.min(1, fraction)),
            message: state.error ? state.message : 'Rendering'
          };
    }
    case 'result':
      return typeof data.file === 'string'
        ? { ...state, fraction: 1, message: `Rendered ${data.file}`, result: data as IRenderResult }
        : state;
    case 'error':
      return { ...state, error: message || 'The render failed.', message: 'Failed' };
    case 'complete':
      return {
        ...state,
        running: false,
        fraction: state.error ? state.fraction : 1,
        message: state.error ? 'Failed' : state.result ? `Rendered ${state.result.file}` : 'Done'
      };
    default:
      return state;
  }
}

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
