/** Typed calls to the Orpheus REST API (`/orpheus/api/...`), one function per endpoint used. */

import { analysisStream, IAnalysisRun } from './logic/analysis';
import { chatStream, IChatState } from './logic/chat';
import { editStream, IEditState } from './logic/edit';
import { insightsStream, IInsightsState } from './logic/insights';
import { IRenderState, renderStream } from './logic/render';
import { apiUrl, fetchAPI, requestAPI, sendJSON, streamAPI } from './request';
import { resumeSession } from './sessionApi';

export interface IProject {
  /** The project's folder (slug), derived by the server from its first title; never changes. */
  name: string;
  /** The title in any script (the folder name when it has none). */
  title: string;
  description: string;
  created_at: string;
  updated_at: string;
  apps: string[];
  path: string;
  /** `{app: {count, last_change}}` for sessions, notes, data, dashboards, videos. */
  contents: Record<string, { count: number; last_change: string | null }>;
  last_change: string;
}

export interface INote {
  id: string;
  title: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  revision: string;
  path: string;
}

export interface ISession {
  id: string;
  title: string;
  project: string;
  mode: string;
  status: string;
  /** The running terminal's name, or null once it ended. */
  terminal: string | null;
  path: string;
  recording: string;
  created: string;
}

const q = encodeURIComponent;

/**
 * The last arguments of every streamed call: where each new state goes (the
 * server-sent events folded by `streamAPI`), and an optional abort signal.
 * The call resolves with the final state.
 */
type Follow<S> = [onState: (state: S) => void, signal?: AbortSignal];

export const api = {
  listProjects: async (): Promise<IProject[]> => (await requestAPI<{ projects: IProject[] }>('projects')).projects,
  /** A project from a title in any script; the server picks its folder (the answer's `name`). */
  createProject: (title: string, description = ''): Promise<IProject> =>
    sendJSON<IProject>('projects', 'POST', { title, description }),

  listNotes: async (project: string): Promise<INote[]> =>
    (await requestAPI<{ notes: INote[] }>(`projects/${q(project)}/notes`)).notes,
  createNote: (project: string, title: string): Promise<INote> =>
    sendJSON<INote>(`projects/${q(project)}/notes`, 'POST', { title, body: '' }),
  /** One note with its Markdown body (front matter already split off by the server). */
  getNote: (project: string, id: string): Promise<INote & { body: string }> =>
    requestAPI<INote & { body: string }>(`projects/${q(project)}/notes/${q(id)}`),
  /** Move a project to the trash (restorable from the trash). */
  trashProject: (name: string): Promise<void> => requestAPI<void>(`projects/${q(name)}`, { method: 'DELETE' }),
  /** Copy files (paths relative to the Jupyter root) into the project's `data/`. */
  importData: (
    project: string,
    paths: string[],
    onConflict: 'rename' | 'overwrite' | 'error' = 'rename'
  ): Promise<IImportResult> =>
    sendJSON<IImportResult>(`projects/${q(project)}/data/import`, 'POST', { paths, on_conflict: onConflict }),

  listSessions: async (): Promise<ISession[]> => (await requestAPI<{ sessions: ISession[] }>('sessions')).sessions,
  createSession: (body: FormData): Promise<ISession> => requestAPI<ISession>('sessions', { method: 'POST', body }),
  renameSession: (id: string, title: string): Promise<ISession> =>
    sendJSON<ISession>(`sessions/${q(id)}`, 'PATCH', { title }),
  deleteSession: (id: string, purge: boolean): Promise<ISession> =>
    requestAPI<ISession>(`sessions/${q(id)}?purge=${purge ? 1 : 0}`, { method: 'DELETE' }),
  /**
   * A new terminal in the session's folder; a shell session of someone outside
   * the hub's shell group needs the key, asked for in a dialog when missing.
   */
  resumeSession,
  sessionRecording: async (id: string): Promise<string> => (await fetchAPI(`sessions/${q(id)}/recording`)).text(),
  /** A browser URL (cookie auth) for the session folder as a zip. */
  sessionArchiveUrl: (id: string): string => apiUrl(`sessions/${q(id)}/archive`),
  /** A shallow clone of a git repository into the session folder. */
  cloneIntoSession: (id: string, url: string, branch: string): Promise<{ path: string; name: string }> =>
    sendJSON<{ path: string; name: string }>(`sessions/${q(id)}/clone`, 'POST', branch ? { url, branch } : { url }),
  /** A web page saved as Markdown in the session folder. */
  fetchIntoSession: (id: string, url: string): Promise<{ path: string; title: string; url: string; bytes: number }> =>
    sendJSON<{ path: string; title: string; url: string; bytes: number }>(`sessions/${q(id)}/fetch`, 'POST', { url })
};

/** `POST /projects/{name}/data/import`: what was copied where. */
export interface IImportResult {
  project: string;
  imported: { source: string; path: string; name: string; size: number; renamed: boolean; replaced: boolean }[];
}

/** One deleted project in `GET /trash`. */
export interface ITrashEntry {
  entry: string;
  name: string;
  deleted_at: string;
  path: string;
}

export const trashApi = {
  list: async (): Promise<ITrashEntry[]> => (await requestAPI<{ trash: ITrashEntry[] }>('trash')).trash,
  /** Put the project back (under `name` when given, e.g. when its old name is taken). */
  restore: (entry: string, name?: string): Promise<IProject> =>
    sendJSON<IProject>(`trash/${q(entry)}/restore`, 'POST', name ? { name } : {}),
  purge: (entry: string): Promise<void> => requestAPI<void>(`trash/${q(entry)}`, { method: 'DELETE' })
};

export interface IRender {
  file: string;
  size: number;
  duration: number | null;
  width: number | null;
  height: number | null;
  created?: string;
}

/** `GET /projects/{name}/video`: the scene names, renders and render qualities. */
export interface IVideoModel {
  scenes: string[];
  renders: IRender[];
  qualities: string[];
}

export const videoApi = {
  model: (project: string): Promise<IVideoModel> => requestAPI<IVideoModel>(`projects/${q(project)}/video`),
  /** Queue a render and follow its progress. */
  render: (project: string, scene: string, quality: string, ...follow: Follow<IRenderState>): Promise<IRenderState> =>
    streamAPI(`projects/${q(project)}/video/render`, { scene, quality }, renderStream, ...follow),
  /** A Claude session in the video folder with the idea as its first prompt. */
  session: (project: string, idea: string): Promise<ISession> =>
    sendJSON<ISession>(`projects/${q(project)}/video/session`, 'POST', { idea }),
  scaffold: (project: string): Promise<Record<string, unknown>> =>
    sendJSON<Record<string, unknown>>(`projects/${q(project)}/video`, 'POST', {}),
  renders: (project: string): Promise<IRender[]> => requestAPI<IRender[]>(`projects/${q(project)}/video/renders`),
  /** A browser URL (cookie auth, HTTP ranges) of one rendered MP4. */
  renderUrl: (project: string, file: string): string => apiUrl(`projects/${q(project)}/video/renders/${q(file)}`),
  deleteRender: (project: string, file: string): Promise<void> =>
    requestAPI<void>(`projects/${q(project)}/video/renders/${q(file)}`, { method: 'DELETE' })
};

export interface IShare {
  id: string;
  kind: string;
  title: string;
  target: string;
  created_at: string;
  expires_at: string | null;
  /** Only in the answer that created the link (shown once). */
  url?: string;
  path?: string;
}

export interface IChart {
  id: string;
  table: string;
  kind: string;
  title: string;
  x: string | null;
  y: string | null;
  aggregation: string;
  reason: string;
  score: number;
}

export interface IAnalysis {
  project_name: string;
  analyzed_at: string;
  duration_seconds: number;
  summary: Record<string, unknown> & {
    total_files: number;
    total_rows: number;
    domain_detected: string;
    themes: string[];
  };
  files: Record<string, unknown>[];
  cross_file_insights?: unknown[];
  recommended_charts: IChart[];
}

/** One entry of `GET /projects/{name}/dashboards` (notebook relative to the Jupyter root). */
export interface IDashboardSummary {
  id: string;
  title: string | null;
  version: number;
  updated_at: string | null;
  widgets: number;
  notebook: string;
  render_url?: string;
  undo_available: number;
}

export interface IDashboard {
  spec: Record<string, unknown> & { id: string; title?: string };
  notebook: string;
  render_url: string;
  undo_available: boolean;
}

export const shareApi = {
  list: async (): Promise<IShare[]> => (await requestAPI<{ shares: IShare[] }>('shares')).shares,
  create: (kind: string, target: string, title: string, expiresIn: number | null): Promise<IShare> =>
    sendJSON<IShare>('shares', 'POST', {
      kind,
      target,
      ...(title ? { title } : {}),
      ...(expiresIn ? { expires_in: expiresIn } : {})
    }),
  revoke: (id: string): Promise<void> => requestAPI<void>(`shares/${q(id)}`, { method: 'DELETE' })
};

export const studioApi = {
  analysis: (project: string): Promise<IAnalysis> => requestAPI<IAnalysis>(`projects/${q(project)}/analysis`),
  /** Run the analysis and follow its progress. */
  analyze: (project: string, ...follow: Follow<IAnalysisRun>): Promise<IAnalysisRun> =>
    streamAPI(`projects/${q(project)}/analyze`, {}, analysisStream, ...follow),
  dashboards: async (project: string): Promise<IDashboardSummary[]> =>
    (await requestAPI<{ dashboards: IDashboardSummary[] }>(`projects/${q(project)}/dashboards`)).dashboards,
  generate: (project: string, title?: string): Promise<IDashboard> =>
    sendJSON<IDashboard>(`projects/${q(project)}/dashboards/generate`, 'POST', title ? { title } : {}),
  /** Change a dashboard as asked in words and follow the edit. */
  editInWords: (project: string, id: string, request: string, ...follow: Follow<IEditState>): Promise<IEditState> =>
    streamAPI(`projects/${q(project)}/dashboards/${q(id)}/edit`, { request }, editStream, ...follow),
  undo: (project: string, id: string): Promise<IDashboard> =>
    sendJSON<IDashboard>(`projects/${q(project)}/dashboards/${q(id)}/undo`, 'POST', {}),
  /** The stored LLM insights of the analysis (a 404 before the first ones). */
  insights: (project: string): Promise<unknown> => requestAPI<unknown>(`projects/${q(project)}/analysis/insights`),
  /** Ask the model for insights and follow its words. */
  explain: (project: string, ...follow: Follow<IInsightsState>): Promise<IInsightsState> =>
    streamAPI(`projects/${q(project)}/analysis/insights`, {}, insightsStream, ...follow)
};

/** `GET /orpheus/api/llm`: whether the AI features are available here. */
export interface ILLMStatus {
  enabled: boolean;
  /** Why AI is off, in words for the user (null when it is on). */
  message?: string | null;
  provider: string | null;
  model: string | null;
  usage: Record<string, unknown> | null;
}

export const chatApi = {
  status: (): Promise<ILLMStatus> => requestAPI<ILLMStatus>('llm'),
  /** Ask a question after the conversation in `state` (a new one when it has no id) and follow the answer. */
  send: (project: string, state: IChatState, message: string, ...follow: Follow<IChatState>): Promise<IChatState> =>
    streamAPI(
      `projects/${q(project)}/chat`,
      state.conversationId ? { message, conversation_id: state.conversationId } : { message },
      chatStream(state, message),
      ...follow
    ),
  /** Write the conversation as `chat-<id>.ipynb` in the project; its path from the Jupyter root. */
  exportNotebook: async (project: string, conversationId: string): Promise<string> =>
    (await sendJSON<{ path: string }>(`projects/${q(project)}/chat/${q(conversationId)}/export`, 'POST', {})).path
};

let llmStatusCache: Promise<ILLMStatus> | null = null;

/**
 * Whether AI features are available here, asked once per page (`fresh` asks
 * again). A server that cannot say counts as on: the feature's own endpoint
 * then answers with its message.
 */
export function llmStatus(fresh = false): Promise<ILLMStatus> {
  if (!llmStatusCache || fresh) {
    llmStatusCache = chatApi
      .status()
      .catch((): ILLMStatus => ({ enabled: true, message: null, provider: null, model: null, usage: null }));
  }
  return llmStatusCache;
}
