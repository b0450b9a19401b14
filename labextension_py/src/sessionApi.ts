/** Session API calls beside `api` in api.ts: the restored-tab check, and resuming with the shell access key. */

import { ISession } from './api';
import { asksAccessKey } from './logic/multipart';
import { OrpheusError, requestAPI, sendJSON } from './request';
import { askAccessKey } from './sessionDialog';

/** `GET /orpheus/api/sessions/<id>`: the session with its running terminal (or null), and the HTTP status. */
export async function fetchSession(id: string): Promise<{ session: ISession | null; status: number }> {
  try {
    return { session: await requestAPI<ISession>(`sessions/${encodeURIComponent(id)}`), status: 200 };
  } catch (error) {
    return { session: null, status: error instanceof OrpheusError ? error.status : 0 };
  }
}

function postResume(id: string, accessKey?: string): Promise<ISession> {
  return sendJSON<ISession>(
    `sessions/${encodeURIComponent(id)}/resume`,
    'POST',
    accessKey ? { access_key: accessKey } : {}
  );
}

/**
 * `POST /orpheus/api/sessions/<id>/resume`: a new terminal in the session's
 * folder. When the server refuses a shell session (403: the user is not in
 * the hub's shell group) and no key was given, a dialog asks for the shell
 * access key with the server's message; each refusal shows in it. Cancelling
 * rejects with the first refusal.
 */
export async function resumeSession(id: string, accessKey?: string): Promise<ISession> {
  try {
    return await postResume(id, accessKey);
  } catch (error) {
    if (!(error instanceof OrpheusError) || error.status !== 403 || accessKey) {
      throw error;
    }
    const { session } = await fetchSession(id); // only a shell session's refusal asks for the key
    if (!asksAccessKey({ status: error.status, blocked: !!error.account, mode: session?.mode, keyGiven: false })) {
      throw error;
    }
    const resumed = await askAccessKey(`Resume "${session?.title ?? id}"`, error.message, key => postResume(id, key));
    if (!resumed) {
      throw error;
    }
    return resumed;
  }
}
