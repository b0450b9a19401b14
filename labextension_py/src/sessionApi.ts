/** Session API calls the restored-tab logic needs (beside `api` in api.ts). */

import { ISession } from './api';
import { OrpheusError, requestAPI } from './request';

/** `GET /orpheus/api/sessions/<id>`: the session with its running terminal (or null), and the HTTP status. */
export async function fetchSession(id: string): Promise<{ session: ISession | null; status: number }> {
  try {
    return { session: await requestAPI<ISession>(`sessions/${encodeURIComponent(id)}`), status: 200 };
  } catch (error) {
    return { session: null, status: error instanceof OrpheusError ? error.status : 0 };
  }
}
