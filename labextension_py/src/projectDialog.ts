/**
 * The "New project" dialog: a title in any script, the folder name it makes
 * shown live, and the server's refusal shown in the dialog (which stays open
 * with what was typed). For the side panel's "New project" button and any
 * other place that makes a project.
 */

import { Widget } from '@lumino/widgets';

import { api, IProject } from './api';
import { field } from './sessionDialog';
import { SlugPreview } from './slugPreview';
import { showSubmitDialog } from './submitDialog';

let counter = 0;

interface IProjectForm {
  title: string;
  description: string;
}

class ProjectForm extends Widget {
  private _title: HTMLInputElement;
  private _description: HTMLTextAreaElement;
  private _error: HTMLElement;
  private _preview: SlugPreview;

  constructor(initial: Partial<IProjectForm>) {
    super();
    this.addClass('orpheus-ProjectForm');
    const uid = `orpheus-pf-${++counter}`;
    this._title = document.createElement('input');
    this._title.id = `${uid}-title`;
    this._title.type = 'text';
    this._title.className = 'jp-mod-styled';
    this._title.placeholder = 'e.g. Sales Q3, 売上レポート';
    this._title.maxLength = 200;
    this._title.required = true;
    this._title.value = initial.title ?? '';
    this._preview = new SlugPreview(this._title, 'project');
    this._description = document.createElement('textarea');
    this._description.id = `${uid}-description`;
    this._description.className = 'jp-mod-styled';
    this._description.rows = 2;
    this._description.value = initial.description ?? '';
    this._error = document.createElement('div');
    this._error.className = 'orpheus-FormError';
    this._error.setAttribute('role', 'alert');
    this.node.append(
      field('Project title', this._title),
      this._preview.node,
      field('Description (optional)', this._description),
      this._error
    );
    this._preview.update();
  }

  getValue(): IProjectForm {
    return { title: this._title.value.trim(), description: this._description.value.trim() };
  }

  showError(message: string): void {
    this._error.textContent = message;
  }

  dispose(): void {
    this._preview.dispose();
    super.dispose();
  }
}

/**
 * Ask for a new project's title (and description) and create it; resolves
 * with the new project, or null when cancelled. Refusals stay in the dialog.
 */
export function askNewProject(initial: Partial<IProjectForm> = {}): Promise<IProject | null> {
  return showSubmitDialog<IProjectForm, IProject>({
    title: 'New project',
    body: new ProjectForm(initial),
    acceptLabel: 'Create',
    acceptAriaLabel: 'Create the project',
    focusNodeSelector: 'input',
    submit: form => api.createProject(form.title, form.description)
  });
}
