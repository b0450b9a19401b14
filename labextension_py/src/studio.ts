import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import { editIcon, fileUploadIcon, infoIcon, shareIcon, tabIcon, undoIcon } from '@jupyterlab/ui-components';

import { runAnalysis } from './analyze';
import { analysisWidget } from './analysisView';
import { IDashboardSummary, IProject, studioApi } from './api';
import { chatWidget } from './chat';
import { framingAllowed, openDashboardPanel, openDashboardTab } from './dashboards';
import { h, iconButton } from './dom';
import { applyEditEvent, endEdit, IEditState, startEdit } from './logic/edit';
import { ago } from './logic/format';
import { notifyError } from './notify';
import { actions, section } from './rows';
import { showInMain } from './sessionRows';

/** What the Data Studio sections need from the panel that shows them. */
export interface IStudioHost {
  readonly app: JupyterFrontEnd;
  /** The panel's list element (progress bars are updated in place). */
  readonly list: HTMLElement;
  refresh(): Promise<void>;
  render(): void;
  share(kind: string, target: string, title: string): Promise<unknown>;
}

interface IProgress {
  fraction: number;
  message: string;
  running: boolean;
}

/** A project's Data and Dashboards sections: upload, analyse with progress, generate, open, undo, share. */
export class StudioSections {
  private _progress = new Map<string, IProgress>();
  /** Dashboards (`project/id`) whose edit box is open, their drafts and edit progress. */
  private _editing = new Set<string>();
  private _drafts = new Map<string, string>();
  private _edits = new Map<string, IEditState>();

  constructor(private _host: IStudioHost) {}

  dataSection(project: IProject, files: Contents.IModel[], upload: () => void): HTMLElement {
    const progress = this._progress.get(project.name);
    const node = section(
      'Data',
      [
        iconButton(`Upload data files to ${project.name}`, fileUploadIcon, upload),
        iconButton(`Analyze the data of ${project.name}`, 'Analyze', () => void this.analyze(project.name)),
        iconButton(`Show the analysis of ${project.name}`, infoIcon, () => void this.showAnalysis(project.name)),
        iconButton(`Chat with the data of ${project.name}`, 'Chat', () => this.chat(project.name))
      ],
      files.map(f =>
        h(
          'li',
          { className: 'orpheus-Row' },
          h(
            'button',
            {
              type: 'button',
              className: 'orpheus-Row-main',
              'data-key': `data:${f.path}`,
              title: `Open ${f.path}`,
              onclick: () => void this._host.app.commands.execute('docmanager:open', { path: f.path })
            },
            h('span', { className: 'orpheus-Row-label' }, f.name),
            h('span', { className: 'orpheus-Muted' }, ago(f.last_modified))
          ),
          iconButton(`Share ${f.name}`, shareIcon, () => void this._host.share('file', f.path, f.name))
        )
      ),
      'No data files.'
    );
    if (progress) {
      node.insertBefore(this._progressNode(project.name, progress), node.children[1]);
    }
    return node;
  }

  private _progressNode(project: string, p: IProgress): HTMLElement {
    const percent = Math.round(p.fraction * 100);
    return h(
      'div',
      { className: 'orpheus-Progress', 'data-progress': project },
      h('progress', { max: 100, value: percent, 'aria-label': `Analysis of ${project}` }),
      h('span', { className: 'orpheus-Progress-text', role: 'status' }, `${percent} % ${p.message}`)
    );
  }

  private _setProgress(project: string, p: IProgress): void {
    this._progress.set(project, p);
    const old = this._host.list.querySelector(`[data-progress="${CSS.escape(project)}"]`);
    if (old) {
      old.replaceWith(this._progressNode(project, p));
    } else {
      this._host.render();
    }
  }

  async analyze(project: string): Promise<void> {
    if (this._progress.get(project)?.running) {
      return;
    }
    this._setProgress(project, { fraction: 0, message: 'Starting…', running: true });
    try {
      await runAnalysis(project, u => this._setProgress(project, { ...u, running: true }));
      this._setProgress(project, { fraction: 1, message: 'Done', running: false });
      await this.showAnalysis(project);
    } catch (error) {
      this._setProgress(project, { fraction: 0, message: 'Failed', running: false });
      notifyError(error, 'The analysis failed');
    }
    await this._host.refresh();
  }

  /** Open (or reveal) the project's Chat with data panel. */
  chat(project: string): void {
    showInMain(this._host.app, chatWidget(this._host.app, project));
  }

  async showAnalysis(project: string): Promise<void> {
    try {
      const widget = analysisWidget(await studioApi.analysis(project));
      Array.from(this._host.app.shell.widgets('main')).find(w => w.id === widget.id)?.dispose();
      this._host.app.shell.add(widget, 'main');
      this._host.app.shell.activateById(widget.id);
    } catch (error) {
      notifyError(error, 'Could not show the analysis');
    }
  }

  dashboardSection(project: IProject, dashboards: IDashboardSummary[]): HTMLElement {
    return section(
      'Dashboards',
      [iconButton(`Generate a dashboard for ${project.name}`, 'Generate', () => void this._generate(project))],
      dashboards.map(d => {
        // Root-relative since the listing carries render_url; project-relative before that.
        const notebook = d.notebook.startsWith(`${project.path}/`) ? d.notebook : `${project.path}/${d.notebook}`;
        const title = d.title || d.id;
        const key = `${project.name}/${d.id}`;
        return h(
          'li',
          { className: 'orpheus-Row orpheus-DashboardRow', 'data-dashboard': d.id },
          h(
            'button',
            {
              type: 'button',
              className: 'orpheus-Row-main',
              'data-key': `dashboard:${d.id}`,
              title: `Open "${title}" as a Voila app in a new browser tab`,
              onclick: () => void openDashboardTab(notebook)
            },
            h('span', { className: 'orpheus-Row-label' }, title),
            h('span', { className: 'orpheus-Muted' }, `${d.widgets} widgets · ${ago(d.updated_at)}`)
          ),
          actions(
            iconButton(`Open ${title} in a JupyterLab panel`, tabIcon, () => void this._openPanel(notebook, title)),
            iconButton(`Change ${title} in words`, editIcon, () => this._toggleEdit(key)),
            d.undo_available
              ? iconButton(`Undo the last change to ${title}`, undoIcon, () => void this._undo(project.name, d.id))
              : null,
            iconButton(`Share ${title}`, shareIcon, () =>
              void this._host.share('dashboard', `${project.path}/dashboards/${d.id}.json`, title)
            )
          ),
          this._editing.has(key) ? this._editBox(project.name, d.id, title, d.undo_available > 0) : null
        );
      }),
      'No dashboards.'
    );
  }

  private _toggleEdit(key: string): void {
    if (this._editing.has(key)) {
      this._editing.delete(key);
    } else {
      this._editing.add(key);
    }
    this._host.render();
    this._host.list.querySelector<HTMLElement>(`[data-key="${CSS.escape(`edit:${key}`)}"]`)?.focus();
  }

  /** A text box, Apply, the streamed progress list, and Undo. */
  private _editBox(project: string, id: string, title: string, undo: boolean): HTMLElement {
    const key = `${project}/${id}`;
    const state = this._edits.get(key);
    const input = h('input', {
      type: 'text',
      className: 'orpheus-Edit-input',
      'data-key': `edit:${key}`,
      'aria-label': `Describe a change to ${title}`,
      placeholder: 'e.g. make the revenue chart a bar chart',
      value: this._drafts.get(key) ?? '',
      oninput: (ev: Event) => void this._drafts.set(key, (ev.target as HTMLInputElement).value)
    }) as HTMLInputElement;
    const running = !!state?.running;
    return h(
      'div',
      { className: 'orpheus-Edit', 'data-edit': key },
      h(
        'form',
        {
          className: 'orpheus-Edit-form',
          'aria-label': `Change ${title} in words`,
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            void this._edit(project, id, input.value);
          }
        },
        input,
        h('button', { type: 'submit', className: 'jp-Button jp-mod-minimal orpheus-TextButton', disabled: running }, 'Apply'),
        undo && !running
          ? h(
              'button',
              {
                type: 'button',
                className: 'jp-Button jp-mod-minimal orpheus-TextButton',
                'aria-label': `Undo the last change to ${title}`,
                onclick: () => void this._undo(project, id)
              },
              'Undo'
            )
          : null
      ),
      state ? this._editProgress(state) : null
    );
  }

  private _editProgress(state: IEditState): HTMLElement {
    return h(
      'div',
      { className: 'orpheus-Edit-progress' },
      h(
        'ol',
        { className: 'orpheus-Edit-steps', role: 'log', 'aria-label': 'Edit progress' },
        ...state.steps.map(s =>
          h('li', { className: `orpheus-mod-${s.ok === false ? 'failed' : s.ok ? 'ok' : s.kind}` }, `${s.ok === false ? '✗ ' : s.ok ? '✓ ' : ''}${s.text}`)
        )
      ),
      state.text ? h('p', { className: 'orpheus-Edit-text' }, state.text) : null,
      state.running ? h('p', { className: 'orpheus-Muted', role: 'status' }, 'Working…') : null,
      !state.running && state.changed !== null
        ? h('p', { className: 'orpheus-Muted', role: 'status' }, state.changed ? 'Saved as a new version.' : 'Nothing was changed.')
        : null,
      state.error ? h('p', { className: 'orpheus-Error', role: 'alert' }, state.error) : null
    );
  }

  private _showEdit(key: string, state: IEditState): void {
    this._edits.set(key, state);
    const box = this._host.list.querySelector(`[data-edit="${CSS.escape(key)}"]`);
    if (!box) {
      return;
    }
    box.querySelector('.orpheus-Edit-progress')?.remove();
    box.append(this._editProgress(state));
    box.querySelectorAll<HTMLButtonElement>('button[type="submit"]').forEach(b => (b.disabled = state.running));
  }

  private async _edit(project: string, id: string, request: string): Promise<void> {
    const key = `${project}/${id}`;
    if (!request.trim() || this._edits.get(key)?.running) {
      return;
    }
    let state = startEdit();
    this._showEdit(key, state);
    try {
      await studioApi.edit(project, id, request.trim(), events => {
        state = events.reduce(applyEditEvent, state);
        this._showEdit(key, state);
      });
      state = endEdit(state);
      this._showEdit(key, state);
      if (state.error) {
        Notification.error(state.error, { autoClose: 10000 });
      } else if (state.changed) {
        this._drafts.delete(key);
      }
    } catch (error) {
      this._showEdit(key, { ...endEdit(state), error: error instanceof Error ? error.message : String(error) });
      notifyError(error, 'The edit failed');
    }
    await this._host.refresh();
  }

  private async _generate(project: IProject): Promise<void> {
    try {
      const dashboard = await studioApi.generate(project.name);
      const title = String(dashboard.spec.title ?? dashboard.spec.id);
      if (await framingAllowed()) {
        openDashboardPanel(this._host.app, dashboard.notebook, title);
      }
      // A new browser tab needs a click of the user's own (popup blockers).
      Notification.success(`Dashboard "${title}" generated.`, {
        autoClose: 8000,
        actions: [{ label: 'Open in a new tab', callback: () => void openDashboardTab(dashboard.notebook) }]
      });
    } catch (error) {
      notifyError(error, 'Could not generate a dashboard');
    }
    await this._host.refresh();
  }

  private async _openPanel(notebook: string, title: string): Promise<void> {
    if (await framingAllowed()) {
      openDashboardPanel(this._host.app, notebook, title);
      return;
    }
    openDashboardTab(notebook);
    Notification.info(
      "This server does not let its pages be shown inside JupyterLab (Content-Security-Policy frame-ancestors 'none'), so the dashboard opened in a new tab.",
      { autoClose: 8000 }
    );
  }

  private async _undo(project: string, id: string): Promise<void> {
    try {
      await studioApi.undo(project, id);
    } catch (error) {
      notifyError(error, 'Could not undo');
    }
    await this._host.refresh();
  }
}
