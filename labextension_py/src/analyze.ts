import { ISSEEvent, progressOf } from './logic/sse';
import { studioApi } from './api';
import { OrpheusError } from './request';
import { plural } from './logic/words';

export interface IAnalyzeUpdate {
  /** 0..1 */
  fraction: number;
  message: string;
}

/**
 * Run a project's analysis, reading the server-sent events as they arrive.
 * Calls `onUpdate` for every status/progress event; resolves with the
 * `complete` event's data; rejects with the server's message on a fatal error.
 */
export async function runAnalysis(
  project: string,
  onUpdate: (update: IAnalyzeUpdate) => void,
  signal?: AbortSignal
): Promise<Record<string, unknown>> {
  let fraction = 0;
  const failures: string[] = [];
  let complete: Record<string, unknown> | null = null;
  const handle = (event: ISSEEvent): void => {
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(event.data);
    } catch {
      data = { message: event.data };
    }
    const message = typeof data.message === 'string' ? data.message : '';
    if (event.event === 'progress') {
      fraction = progressOf(data) ?? fraction;
      onUpdate({ fraction, message: `Analysing ${String(data.file ?? '')}` });
    } else if (event.event === 'status') {
      onUpdate({ fraction, message });
    } else if (event.event === 'error') {
      if (data.fatal) {
        throw new OrpheusError(message || 'The analysis failed.', 500);
      }
      failures.push(`${String(data.file ?? '')}: ${message}`);
    } else if (event.event === 'complete') {
      complete = data;
      onUpdate({ fraction: 1, message: failures.length ? `Done; ${plural(failures.length, 'file')} failed` : 'Done' });
    }
  };
  await studioApi.analyze(project, events => events.forEach(handle), signal);
  if (!complete) {
    throw new OrpheusError('The analysis stopped before it finished.', 0);
  }
  return { ...(complete as Record<string, unknown>), failures };
}
