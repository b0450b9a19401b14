import { studioApi } from './api';
import { IAnalysisRun } from './logic/analysis';
import { OrpheusError } from './request';

export interface IAnalyzeUpdate {
  /** 0..1 */
  fraction: number;
  message: string;
}

/**
 * Run a project's analysis, reading the server-sent events as they arrive.
 * Calls `onUpdate` with the progress as it changes; resolves with the
 * `complete` event's data (and the files that failed); rejects with the
 * server's message on a fatal error, or when the stream stopped early.
 */
export async function runAnalysis(
  project: string,
  onUpdate: (update: IAnalyzeUpdate) => void,
  signal?: AbortSignal
): Promise<Record<string, unknown>> {
  const run: IAnalysisRun = await studioApi.analyze(
    project,
    state => {
      if (!state.error) {
        onUpdate({ fraction: state.fraction, message: state.message });
      }
    },
    signal
  );
  if (run.error !== null || !run.complete) {
    throw new OrpheusError(run.error ?? 'The analysis failed.', 0);
  }
  return { ...run.complete, failures: run.failures };
}
