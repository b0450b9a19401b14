/**
 * A project's analysis run, folded from the server-sent events of
 * `POST .../analyze` (`status` {message}, `progress` {file, overall |
 * progress | done/total}, `error` {file, message, fatal?}, `complete` {...}).
 * Pure; `analyze.ts` runs it and the side panel draws its progress.
 */
import { errorText, eventReducer, IEventStream, progressOf, textOf } from './sse';
import { plural } from './words';

export interface IAnalysisRun {
  /** 0..1 */
  fraction: number;
  message: string;
  /** "file: message" of each file that failed (the run goes on). */
  failures: string[];
  /** The server's message of a fatal error, or why the stream stopped early. */
  error: string | null;
  /** The `complete` event's data. */
  complete: Record<string, unknown> | null;
}

export function startAnalysis(): IAnalysisRun {
  return { fraction: 0, message: 'Starting…', failures: [], error: null, complete: null };
}

/** The state after one event (the input is not changed). */
export const applyAnalysisEvent = eventReducer<IAnalysisRun>({
  progress: (state, data) => ({
    ...state,
    fraction: progressOf(data) ?? state.fraction,
    message: `Analysing ${String(data.file ?? '')}`
  }),
  status: (state, data) => ({ ...state, message: textOf(data) }),
  error: (state, data) =>
    data.fatal
      ? { ...state, error: errorText(data, 'The analysis failed.') }
      : { ...state, failures: [...state.failures, `${String(data.file ?? '')}: ${textOf(data)}`] },
  complete: (state, data) => ({
    ...state,
    complete: data,
    fraction: 1,
    message: state.failures.length ? `Done; ${plural(state.failures.length, 'file')} failed` : 'Done'
  })
});

/** The state when the stream ended: without `complete` (or a fatal error) it stopped early. */
export function endAnalysis(state: IAnalysisRun): IAnalysisRun {
  return state.complete || state.error ? state : { ...state, error: 'The analysis stopped before it finished.' };
}

/** The stream of one analysis, for `followStream`; a fatal error ends the reading at once. */
export const analysisStream: IEventStream<IAnalysisRun> = {
  start: startAnalysis,
  apply: applyAnalysisEvent,
  end: endAnalysis,
  stop: state => state.error !== null
};
