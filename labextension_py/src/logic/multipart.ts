/** The Claude session form: its values, their checks, and the multipart body the API takes. */

export interface ISessionForm {
  title: string;
  /** An existing project's name, or the name of a new one. */
  project: string;
  newProject: boolean;
  /** "claude" or "shell" (only offered when the hub allows shells). */
  mode: string;
  files: File[];
}

/** Problems a user can fix before sending; empty when the form is fine. */
export function validateSessionForm(form: ISessionForm): string[] {
  const problems: string[] = [];
  if (!form.project.trim()) {
    problems.push('Choose a project or name a new one.');
  } else if (form.newProject && !/^[a-z0-9][a-z0-9-]*$/.test(projectSlug(form.project))) {
    problems.push('A project name needs at least one letter or digit.');
  }
  if (form.title.length > 200) {
    problems.push('The title is longer than 200 characters.');
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

/** What the server will call a new project (lower-case, hyphens); shown as a hint. */
export function projectSlug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The `POST /sessions` body: fields title, project, mode and one `files` part per file. */
export function sessionFormData(form: ISessionForm): FormData {
  const body = new FormData();
  body.append('title', form.title.trim());
  body.append('project', form.project.trim());
  if (form.mode) {
    body.append('mode', form.mode);
  }
  for (const file of form.files) {
    body.append('files', file, file.name);
  }
  return body;
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
