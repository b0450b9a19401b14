/** Typed calls to the Orpheus REST API (`/orpheus/api/...`), one function per endpoint used. */

import { fetchAPI, requestAPI, sendJSON } from './request';

export interface IProject {
  name: string;
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

export const api = {
  listProjects: async (): Promise<IProject[]> =>
    (await requestAPI<{ projects: IProject[] }>('projects')).projects,
  createProject: (name: string, description = ''): Promise<IProject> =>
    sendJSON<IProject>('projects', 'POST', { name, description }),

  listNotes: async (project: string): Promise<INote[]> =>
    (await requestAPI<{ notes: INote[] }>(`projects/${q(project)}/notes`)).notes,
  createNote: (project: string, title: string): Promise<INote> =>
    sendJSON<INote>(`projects/${q(project)}/notes`, 'POST', { title, body: '' }),

  listSessions: async (): Promise<ISession[]> =>
    (await requestAPI<{ sessions: ISession[] }>('sessions')).sessions,
  createSession: (body: FormData): Promise<ISession> =>
    requestAPI<ISession>('sessions', { method: 'POST', body }),
  renameSession: (id: string, title: string): Promise<ISession> =>
    sendJSON<ISession>(`sessions/${q(id)}`, 'PATCH', { title }),
  deleteSession: (id: string, purge: boolean): Promise<ISession> =>
    requestAPI<ISession>(`sessions/${q(id)}?purge=${purge ? 1 : 0}`, { method: 'DELETE' }),
  resumeSession: (id: string): Promise<ISession> =>
    sendJSON<ISession>(`sessions/${q(id)}/resume`, 'POST', {}),
  sessionRecording: async (id: string): Promise<string> =>
    (await fetchAPI(`sessions/${q(id)}/recording`)).text()
};
