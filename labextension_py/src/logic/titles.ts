/**
 * Titles and folder names: the user types a title in any script; the server
 * derives the folder name (slug) and `GET /orpheus/api/names/slug` shows it
 * before anything is made (`{"title", "slug", "available", "message"?}`).
 */

export type SlugKind = 'project' | 'session';

/** What `GET /orpheus/api/names/slug` answers. */
export interface ISlugAnswer {
  title: string;
  slug: string;
  available: boolean;
  message?: string | null;
}

/** The query of a slug preview (`project` only for sessions in an existing project). */
export function slugQuery(title: string, kind: SlugKind, project?: string | null): string {
  const params = new URLSearchParams({ title, kind });
  if (kind === 'session' && project) {
    params.set('project', project);
  }
  return `names/slug?${params.toString()}`;
}

/** The line under a title field: the folder it makes, and why it differs when it does. */
export function slugHint(answer: ISlugAnswer, kind: SlugKind): string {
  const what = kind === 'project' ? 'Project folder' : 'Session folder';
  const note = answer.message?.trim();
  if (note) {
    return `${what}: ${answer.slug} (${note})`;
  }
  if (!answer.available) {
    return `${what}: ${answer.slug} (the name is taken, so a number was added)`;
  }
  return `${what}: ${answer.slug}`;
}

/** The checks the form makes before asking the server (which decides the rest, in its own words). */
export function titleProblems(title: string, max = 200): string[] {
  const problems: string[] = [];
  if (!title.trim()) {
    problems.push('Type a title.');
  } else if (title.length > max) {
    problems.push(`The title is longer than ${max} characters.`);
  }
  return problems;
}

/**
 * Calls `run` once input has paused for `waitMs`; a later call replaces an
 * earlier one, and `isLatest(n)` tells an answer whether it is still wanted.
 */
export class Debouncer {
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _seq = 0;

  constructor(private _waitMs = 250) {}

  /** Schedule `run(seq)`; returns the sequence number it will get. */
  call(run: (seq: number) => void): number {
    clearTimeout(this._timer);
    const seq = ++this._seq;
    this._timer = setTimeout(() => run(seq), this._waitMs);
    return seq;
  }

  /** Whether `seq` is the newest call (answers of older ones are dropped). */
  isLatest(seq: number): boolean {
    return seq === this._seq;
  }

  dispose(): void {
    clearTimeout(this._timer);
    this._seq++;
  }
}

/** The session form's fields these checks read. */
export interface ISessionFormLike {
  title: string;
  project: string;
  newProject: boolean;
  files: { name: string }[];
}

/**
 * What stops the session form before it is sent: no project, a title too
 * long, a file listed twice. Titles and project titles in any script pass;
 * the server names the folders.
 */
export function sessionFormProblems(form: ISessionFormLike): string[] {
  const problems: string[] = [];
  if (!form.project.trim()) {
    problems.push(form.newProject ? 'Name the new project.' : 'Choose a project or name a new one.');
  }
  if (form.title.length > 200) {
    problems.push('The title is longer than 200 characters.');
  }
  if (form.newProject && form.project.length > 200) {
    problems.push('The project name is longer than 200 characters.');
  }
  const names = new Set<string>();
  for (const file of form.files) {
    if (names.has(file.name)) {
      problems.push(`"${file.name}" is listed twice.`);
    }
    names.add(file.name);
  }
  return problems;
}
