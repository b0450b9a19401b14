import { closeIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { iconButton } from './dom';
import { formatBytes, ISessionForm, mergeFiles } from './logic/multipart';
import { sessionFormProblems } from './logic/titles';
import { SlugPreview } from './slugPreview';
import { showSubmitDialog } from './submitDialog';

/** A project to pick: its folder name (the value sent) and the title it shows. */
export interface IProjectChoice {
  name: string;
  title: string;
}

const NEW_PROJECT = '\u0000new';
let counter = 0;

/**
 * The "New Claude session" form: title, project (existing or new, titled in
 * any script, each with its folder name shown live), mode (Claude or shell;
 * shell asks for the shell access key unless the user is in the hub's shell
 * group) and files to upload, by drag and drop or picker.
 */
export class SessionForm extends Widget {
  private _files: File[];
  private _title: HTMLInputElement;
  private _project: HTMLSelectElement;
  private _newName: HTMLInputElement;
  private _mode: HTMLSelectElement;
  private _key: HTMLInputElement;
  private _list: HTMLUListElement;
  private _problems: HTMLDivElement;
  private _error: HTMLDivElement;
  private _titleFolder: SlugPreview;
  private _projectFolder: SlugPreview;

  private _aiNote: HTMLElement | null = null;

  /**
   * @param inShellGroup - the user may open shells without a key (member of the hub's shell group)
   */
  constructor(
    projects: IProjectChoice[],
    private _inShellGroup: boolean,
    initial?: Partial<ISessionForm>,
    aiOff?: string | null
  ) {
    super();
    this.addClass('orpheus-SessionForm');
    const uid = `orpheus-sf-${++counter}`;
    this._files = initial?.files ?? [];
    if (aiOff) {
      this._aiNote = aiNote(aiOff);
      this.node.appendChild(this._aiNote);
    }

    this._title = input(`${uid}-title`, 'text', initial?.title ?? '');
    this._title.placeholder = 'What is this session for?';
    this._title.maxLength = 200;
    this.node.appendChild(field('Title', this._title));
    this._titleFolder = new SlugPreview(this._title, 'session', () => this._existingProject());
    this.node.appendChild(this._titleFolder.node);

    this._project = document.createElement('select');
    this._project.id = `${uid}-project`;
    this._project.className = 'jp-mod-styled';
    for (const project of projects) {
      const text =
        project.title && project.title !== project.name ? `${project.title} (${project.name})` : project.name;
      this._project.appendChild(new Option(text, project.name));
    }
    this._project.appendChild(new Option('New project…', NEW_PROJECT));
    this.node.appendChild(field('Project', this._project));

    this._newName = input(`${uid}-newproject`, 'text', '');
    this._newName.placeholder = 'A title in any script, e.g. Sales Q3';
    this._newName.maxLength = 200;
    const newField = field('New project name', this._newName);
    newField.classList.add('orpheus-SessionForm-new');
    this._projectFolder = new SlugPreview(this._newName, 'project');
    newField.appendChild(this._projectFolder.node);
    this.node.appendChild(newField);
    const wanted = initial?.project ?? '';
    if (wanted && projects.some(p => p.name === wanted) && !initial?.newProject) {
      this._project.value = wanted;
    } else if (wanted || projects.length === 0) {
      this._project.value = NEW_PROJECT;
      this._newName.value = wanted;
    }

    this._mode = document.createElement('select');
    this._mode.id = `${uid}-mode`;
    this._mode.className = 'jp-mod-styled';
    this._mode.appendChild(new Option('Claude', 'claude'));
    this._mode.appendChild(new Option('Shell (a plain terminal)', 'shell'));
    this._mode.value = initial?.mode ?? 'claude';
    this.node.appendChild(field('Mode', this._mode));
    const key = accessKeyField(`${uid}-key`, initial?.accessKey ?? '');
    key.field.classList.add('orpheus-SessionForm-key');
    this._key = key.input;
    this.node.appendChild(key.field);

    this.node.appendChild(this._dropZone(uid));
    this._list = document.createElement('ul');
    this._list.className = 'orpheus-SessionForm-files';
    this._list.setAttribute('aria-label', 'Files to upload');
    this.node.appendChild(this._list);

    this._problems = document.createElement('div');
    this._problems.className = 'orpheus-SessionForm-problems';
    this._problems.id = `${uid}-problems`;
    this._newName.setAttribute('aria-describedby', this._problems.id);
    this._problems.setAttribute('role', 'alert');
    this.node.appendChild(this._problems);
    this._error = document.createElement('div');
    this._error.className = 'orpheus-FormError';
    this._error.setAttribute('role', 'alert');
    this._error.setAttribute('aria-label', 'Why the session was not created');
    this.node.appendChild(this._error);

    this._mode.addEventListener('change', () => this._update());
    for (const el of [this._title, this._project, this._newName]) {
      el.addEventListener('input', () => this._update());
      el.addEventListener('change', () => this._update());
    }
    this._project.addEventListener('change', () => this._titleFolder.update());
    this._update();
    this._titleFolder.update();
    this._projectFolder.update();
  }

  /** Show why the server refused the form (empty to clear), scrolled into view in a long form. */
  showError(message: string): void {
    this._error.textContent = message;
    if (message) {
      this._error.scrollIntoView({ block: 'nearest' });
    }
  }

  dispose(): void {
    this._titleFolder.dispose();
    this._projectFolder.dispose();
    super.dispose();
  }

  /** The chosen existing project, or null for a new one. */
  private _existingProject(): string | null {
    return this._project.value === NEW_PROJECT ? null : this._project.value;
  }

  getValue(): ISessionForm {
    const isNew = this._project.value === NEW_PROJECT;
    return {
      title: this._title.value,
      project: isNew ? this._newName.value : this._project.value,
      newProject: isNew,
      mode: this._mode.value,
      accessKey: this._asksKey() ? this._key.value : '',
      files: [...this._files]
    };
  }

  /** Shell mode for someone outside the hub's shell group: the key field shows. */
  private _asksKey(): boolean {
    return this._mode.value === 'shell' && !this._inShellGroup;
  }

  private _dropZone(uid: string): HTMLElement {
    const zone = document.createElement('div');
    zone.className = 'orpheus-DropZone';
    const picker = input(`${uid}-files`, 'file', '');
    picker.multiple = true;
    picker.className = 'orpheus-DropZone-input';
    picker.setAttribute('aria-label', 'Files to upload into the session folder');
    picker.addEventListener('change', () => {
      this._files = mergeFiles(this._files, Array.from(picker.files ?? []));
      picker.value = '';
      this._update();
    });
    const label = document.createElement('label');
    label.htmlFor = picker.id;
    label.className = 'orpheus-DropZone-label';
    label.textContent = 'Drop files here, or choose files…';
    zone.append(label, picker);
    zone.addEventListener('dragover', ev => {
      ev.preventDefault();
      zone.classList.add('orpheus-mod-dragover');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('orpheus-mod-dragover'));
    zone.addEventListener('drop', ev => {
      ev.preventDefault();
      zone.classList.remove('orpheus-mod-dragover');
      this._files = mergeFiles(this._files, Array.from(ev.dataTransfer?.files ?? []));
      this._update();
    });
    return zone;
  }

  private _update(): void {
    const isNew = this._project.value === NEW_PROJECT;
    this.node.classList.toggle('orpheus-mod-newproject', isNew);
    this.node.classList.toggle('orpheus-mod-shellkey', this._asksKey());
    if (this._aiNote) {
      this._aiNote.hidden = this._mode.value !== 'claude';
    }
    this._newName.required = isNew;
    this._list.replaceChildren(...this._files.map(f => this._fileItem(f)));
    const problems = sessionFormProblems(this.getValue());
    this._problems.textContent = problems.join(' ');
    // :invalid disables the dialog's Create button (JupyterLab's own validation hook).
    this._newName.setCustomValidity(isNew && problems.length ? problems[0] : '');
    this._title.setCustomValidity(!isNew && problems.length ? problems[0] : '');
    // The dialog checks validity on 'input' in the capture phase, i.e. before this
    // update ran: tell it again so its Create button follows the new state.
    if (this.node.isConnected) {
      this.node.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }

  private _fileItem(file: File): HTMLLIElement {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = `${file.name} (${formatBytes(file.size)})`;
    const remove = iconButton(`Remove ${file.name}`, closeIcon, () => {
      this._files = this._files.filter(f => f !== file);
      this._update();
    });
    li.append(name, remove);
    return li;
  }
}

/** The "no model is configured" note at the top of the form (Claude mode only). */
function aiNote(message: string): HTMLElement {
  const note = document.createElement('div');
  note.className = 'orpheus-AIOff orpheus-SessionForm-aiOff';
  note.setAttribute('role', 'note');
  note.setAttribute('aria-label', 'AI is off');
  const head = document.createElement('strong');
  head.textContent = 'AI is off. ';
  const text = document.createElement('span');
  text.textContent = `${message} The session still starts: a terminal in the project folder, where Claude cannot answer until a model is configured.`;
  note.append(head, text);
  return note;
}

/** The shell access key: a password field with what it is for. */
function accessKeyField(id: string, value: string): { field: HTMLDivElement; input: HTMLInputElement } {
  const key = input(id, 'password', value);
  key.autocomplete = 'off';
  key.spellcheck = false;
  const help = document.createElement('div');
  help.id = `${id}-help`;
  help.className = 'orpheus-Muted orpheus-Wrap';
  help.textContent = "Shell sessions are for members of the hub's shell group, or with the shell access key.";
  key.setAttribute('aria-describedby', help.id);
  const div = field('Shell access key', key);
  div.appendChild(help);
  return { field: div, input: key };
}

/** Asks for the shell access key (resuming a shell session); refusals show in it. */
class AccessKeyForm extends Widget {
  private _key: HTMLInputElement;
  private _error: HTMLDivElement;

  constructor(why: string) {
    super();
    this.addClass('orpheus-SessionForm');
    const reason = document.createElement('p');
    reason.className = 'orpheus-Wrap';
    reason.textContent = why;
    const key = accessKeyField(`orpheus-ak-${++counter}`, '');
    this._key = key.input;
    this._key.required = true;
    this._error = document.createElement('div');
    this._error.className = 'orpheus-FormError';
    this._error.setAttribute('role', 'alert');
    this._error.setAttribute('aria-label', 'Why the key was refused');
    this.node.append(reason, key.field, this._error);
  }

  getValue(): string {
    return this._key.value;
  }

  showError(message: string): void {
    this._error.textContent = message;
  }
}

/**
 * Ask for the shell access key until `submit(key)` succeeds (each refusal is
 * shown in the dialog, which stays open); null when cancelled.
 * `why` is the server's message that asked for it.
 */
export function askAccessKey<R>(title: string, why: string, submit: (key: string) => Promise<R>): Promise<R | null> {
  return showSubmitDialog<string, R>({
    title,
    body: new AccessKeyForm(why),
    acceptLabel: 'Resume',
    acceptAriaLabel: 'Resume with the shell access key',
    focusNodeSelector: 'input',
    submit
  });
}

function input(id: string, type: string, value: string): HTMLInputElement {
  const el = document.createElement('input');
  el.id = id;
  el.type = type;
  if (type !== 'file') {
    el.value = value;
    el.className = 'jp-mod-styled';
  }
  return el;
}

/** A labelled form field (`orpheus-Field`); the session and project dialogs use it. */
export function field(labelText: string, control: HTMLElement): HTMLDivElement {
  const div = document.createElement('div');
  div.className = 'orpheus-Field';
  const label = document.createElement('label');
  label.htmlFor = control.id;
  label.textContent = labelText;
  div.append(label, control);
  return div;
}

/**
 * Show the form until `submit` succeeds (its refusal is shown in the form,
 * which keeps what the user typed and picked); null when cancelled.
 */
export function askSessionForm<R>(
  projects: IProjectChoice[],
  inShellGroup: boolean,
  submit: (form: ISessionForm) => Promise<R>,
  initial?: Partial<ISessionForm>,
  aiOff?: string | null
): Promise<R | null> {
  return showSubmitDialog<ISessionForm, R>({
    title: 'New Claude session',
    body: new SessionForm(projects, inShellGroup, initial, aiOff),
    acceptLabel: 'Create',
    acceptAriaLabel: 'Create the session',
    focusNodeSelector: 'input',
    submit
  });
}
