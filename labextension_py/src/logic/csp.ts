/**
 * Whether a Content-Security-Policy lets the page be shown in a frame of the
 * same origin (JupyterHub's single-user default is `frame-ancestors 'none'`).
 */
export function allowsSameOriginFraming(csp: string | null | undefined): boolean {
  if (!csp) {
    return true;
  }
  for (const directive of csp.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name?.toLowerCase() === 'frame-ancestors') {
      const values = sources.map(s => s.toLowerCase());
      return values.includes("'self'") || values.includes('*');
    }
  }
  return true;
}
