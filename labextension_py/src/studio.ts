import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import { fileUploadIcon, infoIcon, shareIcon, tabIcon, undoIcon } from '@jupyterlab/ui-components';

import { runAnalysis } from './analyze';
import { analysisWidget } from './analysisView';
import { IDashboardSummary, IProject, studioApi } from './api';
import { chatWidget } from './chat';
import { framingAllowed, openDashboardPanel, openDashboardTab } from './dashboards';
import { h, iconButton } from './dom';
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
        return h(
          'li',
          { className: 'orpheus-Row', 'data-dashboard': d.id },
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
            d.undo_available
              ? iconButton(`Undo the last change to ${title}`, undoIcon, () => void this._undo(project.name, d.id))
              : null,
            iconButton(`Share ${title}`, shareIcon, () =>
              void this._host.share('dashboard', `${project.path}/dashboards/${d.id}.json`, title)
            )
          )
        );
      }),
      'No dashboards.'
    );
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
