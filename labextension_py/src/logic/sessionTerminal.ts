/**
 * Session terminals have deterministic names (`orpheus_<session id>`, the
 * server's `terminal_name`): a restored terminal tab with such a name belongs
 * to a session, and the session API says whether that terminal still runs.
 */

export const TERMINAL_PREFIX = 'orpheus_';

/** The session id a terminal name belongs to, or null for other terminals. */
export function sessionIdOfTerminal(name: string | null | undefined): string | null {
  if (!name || !name.startsWith(TERMINAL_PREFIX)) {
    return null;
  }
  const id = name.slice(TERMINAL_PREFIX.length);
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

/** The terminal name of a session. */
export function terminalOfSession(sessionId: string): string {
  return `${TERMINAL_PREFIX}${sessionId}`;
}

/** What a restored session tab becomes. */
export type RestoreAction = 'reattach' | 'ended' | 'gone' | 'unknown';

/**
 * Decide from the session API's answer: `reattach` when the session's own
 * terminal is the one the tab shows; `ended` when it no longer runs (the tab's
 * terminal is a plain shell the restore made); `gone` when the session was
 * deleted (404); `unknown` when the server could not say (leave the tab alone).
 */
export function restoreAction(
  terminalName: string,
  session: { terminal: string | null } | null,
  status = 200
): RestoreAction {
  if (status === 404) {
    return 'gone';
  }
  if (!session || status !== 200) {
    return 'unknown';
  }
  return session.terminal === terminalName ? 'reattach' : 'ended';
}
