/** Live session shares: which sessions can be watched live, and what the share call sends. */

/** The fields of a session model the share dialog looks at. */
export interface ISessionState {
  id: string;
  path: string;
  terminal: string | null;
}

/** The label of the live choice in the share dialog. */
export const LIVE_LABEL = 'Live (viewers watch as it happens)';
/** The label of the snapshot choice. */
export const SNAPSHOT_LABEL = 'Snapshot (as it is now)';

/**
 * The id of the running session shared as `kind`/`target` (a session folder path),
 * or null when it cannot be shared live (not a session, unknown, or not running).
 */
export function liveSessionId(kind: string, target: string, sessions: ISessionState[]): string | null {
  if (kind !== 'session') {
    return null;
  }
  const session = sessions.find(s => s.path === target);
  return session && session.terminal ? session.id : null;
}

/** What `POST /orpheus/api/shares` gets: a live share targets the session id. */
export function shareRequest(
  kind: string,
  target: string,
  liveId: string | null,
  live: boolean
): { kind: string; target: string } {
  return live && liveId ? { kind: 'live', target: liveId } : { kind, target };
}
