/**
 * Turn a failed Orpheus API answer into the sentence a user sees.
 *
 * Orpheus answers errors as `{"message": ..., "reason": ...}`; a 4xx message is
 * written for people and is shown as it is. Anything else gets a short,
 * honest fallback that still names the status.
 */
export function errorMessage(status: number, body: unknown, statusText = ''): string {
  const fromBody = messageFromBody(body);
  if (status >= 400 && status < 500 && fromBody) {
    return fromBody;
  }
  if (status >= 500) {
    return fromBody || `The server failed (${status}${statusText ? ' ' + statusText : ''}).`;
  }
  if (fromBody) {
    return fromBody;
  }
  return `Request failed (${status}${statusText ? ' ' + statusText : ''}).`;
}

/** The `message` (or failing that `reason`) of an error body, JSON or text. */
export function messageFromBody(body: unknown): string {
  if (body === null || body === undefined) {
    return '';
  }
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text) {
      return '';
    }
    try {
      return messageFromBody(JSON.parse(text));
    } catch {
      // Plain text (or an HTML error page): use short text, never a page.
      return text.startsWith('<') || text.length > 500 ? '' : text;
    }
  }
  if (typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['message', 'reason', 'error', 'detail']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim()) {
        return value.trim();
      }
    }
  }
  return '';
}
