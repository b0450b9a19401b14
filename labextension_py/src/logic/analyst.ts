/**
 * The Claude data analyst of a project, folded from the server-sent events of
 * `POST /orpheus/api/projects/{name}/analyst` {request}: `status` {message},
 * `text` {text}, `tool` {name, input}, `result` {kind: "tool" | "dashboard" |
 * "notebook", ...}, `error` {message, kind?, field?, fatal?} and finally
 * `complete` (the run's summary, as `GET .../analyst` returns it as
 * `last_run`). Pure: the panel draws what this returns.
 */
import { errorText, eventReducer, IEventStream, textOf } from './sse';

export interface IAnalystDashboard {
  id: string;
  title: string | null;
  /** The dashboard's notebook, relative to the Jupyter root (what Voila renders). */
  notebook: string;
  render_url: string;
}

export interface IAnalystRefused {
  file: string;
  /** The failing part of the spec, e.g. `widgets[3].encoding.y`. */
  field: string;
  /** The server's message; it starts with the field. */
  message: string;
}

export interface IAnalystNotebook {
  path: string;
  executed: boolean;
  cells: number;
  error: string | null;
}

/** A run's summary (`complete` data, or `last_run` of `GET .../analyst`). */
export interface IAnalystRun {
  status: string;
  request: string;
  started_at: string | null;
  finished_at: string | null;
  duration_seconds: number | null;
  resumed: boolean;
  answer: string;
  dashboards: IAnalystDashboard[];
  refused: IAnalystRefused[];
  notebook: IAnalystNotebook | null;
}

export type LogKind = 'status' | 'text' | 'tool' | 'result' | 'error';

export interface ILogEntry {
  kind: LogKind;
  text: string;
}

export interface IAnalystState {
  running: boolean;
  log: ILogEntry[];
  dashboards: IAnalystDashboard[];
  refused: IAnalystRefused[];
  notebook: IAnalystNotebook | null;
  run: IAnalystRun | null;
  /** A fatal error (the run stopped), shown unchanged. */
  error: string | null;
}

const OUTPUT_CHARS = 400;

export function startAnalyst(): IAnalystState {
  return { running: true, log: [], dashboards: [], refused: [], notebook: null, run: null, error: null };
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object') : [];
}

export function asDashboard(d: Record<string, unknown>): IAnalystDashboard {
  return {
    id: String(d.id ?? ''),
    title: str(d.title),
    notebook: String(d.notebook ?? ''),
    render_url: String(d.render_url ?? '')
  };
}

export function asRefused(d: Record<string, unknown>): IAnalystRefused {
  return { file: String(d.file ?? ''), field: String(d.field ?? ''), message: textOf(d) };
}

export function asNotebook(d: unknown): IAnalystNotebook | null {
  if (!d || typeof d !== 'object') {
    return null;
  }
  const r = d as Record<string, unknown>;
  return {
    path: String(r.path ?? ''),
    executed: r.executed === true,
    cells: typeof r.cells === 'number' ? r.cells : 0,
    error: str(r.error)
  };
}

/** A run's summary, or null when `value` is not one. */
export function asRun(value: unknown): IAnalystRun | null {
  if (!value || typeof value !== 'object') {
    return null;
  }
  const r = value as Record<string, unknown>;
  if (typeof r.status !== 'string') {
    return null;
  }
  return {
    status: r.status,
    request: String(r.request ?? ''),
    started_at: str(r.started_at),
    finished_at: str(r.finished_at),
    duration_seconds: typeof r.duration_seconds === 'number' ? r.duration_seconds : null,
    resumed: r.resumed === true,
    answer: String(r.answer ?? ''),
    dashboards: list(r.dashboards).map(asDashboard),
    refused: list(r.refused).map(asRefused),
    notebook: asNotebook(r.notebook)
  };
}

/** The state that shows a finished run (the last one, read with GET). */
export function fromRun(run: IAnalystRun): IAnalystState {
  return {
    ...startAnalyst(),
    running: false,
    run,
    dashboards: run.dashboards,
    refused: run.refused,
    notebook: run.notebook
  };
}

/** One line for a tool call: the command, the file written, else the tool and its input. */
export function toolLine(name: string, input: unknown): string {
  const args = input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  const command = str(args.command);
  if (command !== null) {
    return `${name}: ${command.split('\n')[0]}${command.includes('\n') ? ' …' : ''}`;
  }
  const path = str(args.file_path) ?? str(args.notebook_path) ?? str(args.path) ?? str(args.pattern);
  return path !== null ? `${name}: ${path}` : `${name} ${JSON.stringify(args).slice(0, 200)}`;
}

function clip(text: string): string {
  return text.length > OUTPUT_CHARS ? `${text.slice(0, OUTPUT_CHARS)} …` : text;
}

function log(state: IAnalystState, kind: LogKind, text: string): IAnalystState {
  const last = state.log[state.log.length - 1];
  if (kind === 'text' && last?.kind === 'text') {
    return { ...state, log: [...state.log.slice(0, -1), { kind, text: last.text + text }] };
  }
  return { ...state, log: [...state.log, { kind, text }] };
}

function result(state: IAnalystState, data: Record<string, unknown>): IAnalystState {
  if (data.kind === 'dashboard') {
    const d = asDashboard(data);
    return log({ ...state, dashboards: [...state.dashboards, d] }, 'result', `Dashboard saved: ${d.title ?? d.id}`);
  }
  if (data.kind === 'notebook') {
    const nb = asNotebook(data);
    return log({ ...state, notebook: nb }, 'result', `${nb?.path}: ran top to bottom (${nb?.cells} code cells)`);
  }
  const output = textOf(data, 'output').trim();
  return log(state, data.is_error ? 'error' : 'result', clip(output) || '(no output)');
}

function error(state: IAnalystState, data: Record<string, unknown>): IAnalystState {
  const message = errorText(data, 'The analyst failed.');
  if (data.kind === 'dashboard') {
    return log({ ...state, refused: [...state.refused, asRefused(data)] }, 'error', `Dashboard refused: ${message}`);
  }
  if (data.kind === 'notebook') {
    const nb = asNotebook({ ...data, error: message });
    return log({ ...state, notebook: nb }, 'error', message);
  }
  const next = log(state, 'error', message);
  return data.fatal ? { ...next, running: false, error: message } : next;
}

/** The state after one event (the input is not changed). */
export const applyAnalystEvent = eventReducer<IAnalystState>({
  status: (state, data) => log(state, 'status', textOf(data)),
  text: (state, data) => log(state, 'text', textOf(data, 'text')),
  tool: (state, data) => log(state, 'tool', toolLine(textOf(data, 'name'), data.input)),
  result,
  error,
  complete: (state, data) => {
    const run = asRun(data);
    return run ? { ...fromRun(run), log: state.log } : { ...state, running: false };
  }
});

/** The state when the stream ended: a stream cut before `complete` says so. */
export function endAnalyst(state: IAnalystState): IAnalystState {
  if (!state.running) {
    return state;
  }
  const message = 'The connection ended before Claude finished; the run was stopped.';
  return { ...log(state, 'error', message), running: false, error: message };
}

export const analystStream: IEventStream<IAnalystState> = {
  start: startAnalyst,
  apply: applyAnalystEvent,
  end: endAnalyst
};
