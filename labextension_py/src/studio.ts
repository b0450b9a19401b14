import { JupyterFrontEnd } from '@jupyterlab/application';
import { Contents } from '@jupyterlab/services';
import { fileUploadIcon, infoIcon, shareIcon } from '@jupyterlab/ui-components';

import { runAnalysis } from './analyze';
import { analystWidget } from './analyst';
import { analysisWidget } from './analysisView';
import { IDashboardSummary, IProject, studioApi } from './api';
import { chatWidget } from './chat';
import { DashboardRows } from './dashboardRows';
import { importFromProjects } from './dataImport';
import { clip, h, iconButton, timeLabel } from './dom';
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

/** A project's Data and Dashboards sections: upload, import, analyse with progress, chat; dashboards in DashboardRows. */
export class StudioSections {
  private _progress = new Map<string, IProgress>();
  private _dashboards: DashboardRows;

  constructor(private _host: IStudioHost) {
    this._dashboards = new DashboardRows(_host);
  }

  dataSection(project: IProject, files: Contents.IModel[], upload: () => void): HTMLElement {
    const progress = this._progress.get(project.name);
    const node = section(
      'Data',
      [
        iconButton(`Upload data files to ${project.name}`, fileUploadIcon, upload),
        iconButton(
          `Import data files from another project into ${project.name}`,
          'Import',
          () => void this._import(project)
        ),
        iconButton(`Analyze the data of ${project.name}`, 'Analyze', () => void this.analyze(project.name)),
        iconButton(`Show the analysis of ${project.name}`, infoIcon, () => void this.showAnalysis(project.name)),
        iconButton(`Chat with the data of ${project.name}`, 'Chat', () => this.chat(project.name)),
        iconButton(`Ask Claude to analyze the data of ${project.name}`, 'Claude', () =>
          showInMain(
            this._host.app,
            analystWidget(this._host.app, project.name, () => void this._host.refresh())
          )
        )
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
            clip(f.name),
            timeLabel(f.last_modified)
          ),
          actions(iconButton(`Share ${f.name}`, shareIcon, () => void this._host.share('file', f.path, f.name)))
        )
      ),
      'No data files.'
    );
    if (progress) {
      node.insertBefore(this._progressNode(project.name, progress), node.children[1]);
    }
    return node;
  }

  dashboardSection(project: IProject, dashboards: IDashboardSummary[]): HTMLElement {
    return this._dashboards.section(project, dashboards);
  }

  private _progressNode(project: string, p: IProgress): HTMLElement {
    const percent = Math.round(p.fraction * 100);
    return h(
      'div',
      { className: 'orpheus-Progress', 'data-progress': project },
      h('progress', { max: 100, value: percent, 'aria-label': `Analysis of ${project}` }),
      h(
        'span',
        { className: 'orpheus-Progress-text', role: 'status', title: `${percent} % ${p.message}` },
        `${percent} % ${p.message}`
      )
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
      const widget = analysisWidget(await studioApi.analysis(project), this._host.app);
      Array.from(this._host.app.shell.widgets('main'))
        .find(w => w.id === widget.id)
        ?.dispose();
      this._host.app.shell.add(widget, 'main');
      this._host.app.shell.activateById(widget.id);
    } catch (error) {
      notifyError(error, 'Could not show the analysis');
    }
  }

  private async _import(project: IProject): Promise<void> {
    if (await importFromProjects(this._host.app.serviceManager.contents, project)) {
      await this._host.refresh();
    }
  }
}
