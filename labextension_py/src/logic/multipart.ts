/**
 * The Claude session form: its values and the multipart body the API takes
 * (its checks are `sessionFormProblems` in `titles.ts`).
 */

export interface ISessionForm {
  title: string;
  /** An existing project's name, or the name of a new one. */
  project: string;
  newProject: boolean;
  /** "claude" or "shell" (only offered when the hub allows shells). */
  mode: string;
  /** The shell access key, for shell mode when the user is not in the hub's shell group. */
  accessKey?: string;
  files: File[];
}

/**
 * The `POST /sessions` body: fields title, project, mode, `access_key` (shell
 * mode only, when one was typed) and one `files` part per file.
 */
export function sessionFormData(form: ISessionForm): FormData {
  const body = new FormData();
  body.append('title', form.title.trim());
  body.append('project', form.project.trim());
  if (form.mode) {
    body.append('mode', form.mode);
  }
  if (form.mode === 'shell' && form.accessKey) {
    body.append('access_key', form.accessKey);
  }
  for (const file of form.files) {
    body.append('files', file, file.name);
  }
  return body;
}

/** A refused request to start or resume a session, as `asksAccessKey` reads it. */
export interface IShellRefusal {
  status: number;
  /** The account is blocked or signed out (its own dialog explains). */
  blocked: boolean;
  /** The session's mode ("claude", "shell"), when known. */
  mode: string | null | undefined;
  keyGiven: boolean;
}

/**
 * Whether to ask for the shell access key after a refusal: a 403 for a shell
 * session of a user who is not blocked and did not send a key yet.
 */
export function asksAccessKey(refusal: IShellRefusal): boolean {
  return refusal.status === 403 && !refusal.blocked && refusal.mode === 'shell' && !refusal.keyGiven;
}

/** Merge newly dropped or picked files into a list (a same-named file replaces the old one). */
export function mergeFiles(current: File[], added: Iterable<File>): File[] {
  const byName = new Map(current.map(f => [f.name, f] as [string, File]));
  for (const file of added) {
    byName.set(file.name, file);
  }
  return [...byName.values()];
}

/** "1.2 MB" style sizes for file lists. */
export function formatBytes(n: number): string {
  if (n < 1024) {
    return `${n} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
