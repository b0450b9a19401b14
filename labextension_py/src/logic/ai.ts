/** AI on or off, from `GET /orpheus/api/llm` (`{"enabled": bool, "message": string | null, ...}`). */

/** What the Lab says when the server gives no reason of its own. */
export const AI_OFF_TEXT = 'AI is off on this server: no model is configured. Ask your administrator.';

/** The part of the `/llm` answer these helpers read. */
export interface IAIStatusLike {
  enabled: boolean;
  message?: string | null;
}

/** The server's reason why AI is off, or null when it is on (or not known). */
export function aiOffMessage(status: IAIStatusLike | null | undefined): string | null {
  if (!status || status.enabled !== false) {
    return null;
  }
  return status.message?.trim() || AI_OFF_TEXT;
}
