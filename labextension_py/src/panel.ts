import { JupyterFrontEnd } from '@jupyterlab/application';
import { InputDialog, Notification } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import {
  addIcon,
  caretDownIcon,
  caretRightIcon,
  deleteIcon,
  downloadIcon,
  historyIcon,
  editIcon,
  fileUploadIcon,
  infoIcon,
  newFolderIcon,
  refreshIcon,
  runIcon,
  shareIcon,
  tabIcon,
  undoIcon
} from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { runAnalysis } from './analyze';
import { analysisWidget } from './analysisView';
import { api, IDashboardSummary, INote, IProject, IRender, ISession, studioApi, videoApi } from './api';
import { framingAllowed, openDashboardPanel, openDashboardTab } from './dashboards';
import { h, iconButton } from './dom';
import { claudeIcon } from './icons';
import { formatBytes } from './logic/multipart';
import { openReplay } from './replay';
import { videoWidget } from './video';
import { ago } from './logic/format';
import { notifyError } from './notify';
import { OrpheusError } from './request';
import { deleteSession, openSession, renameSession, resumeSession } from './sessions';
import { uploadFiles } from './upload';

/** Hooks the panel calls for things other modules own (launcher, share dialog, ...). */
export interface IPanelActions {
  newSession(project?: string): Promise<unknown>;
  share(kind: string, target: string, title: string): Promise<unknown>;
  myShares(): Promise<unknown>;
}

const SINGULAR: Record<string, string> = { sessions: 'session', notes: 'note', data: 'data file', dashboards: 'dashboard' };

interface IProgress {
  fraction: number;
  message: string;
  running: boolean;
}

/**
 * The Orpheus side panel: every project, and inside each its sessions, notes
 * and data files. Keeps the expanded projects and the focused row across
 * refreshes; refreshes every 20 s while visible.
 */
export class OrpheusPanel extends Widget {
  private _projects: IProject[] = [];
  /** null while the sessions API is not on this server. */
  private _sessions: ISession[] | null = [];
  private _notes = new Map<string, INote[]>();
  private _data = new Map<string, Contents.IModel[]>();
  /** null for a project when the dashboards API is not on this server. */
  private _dashboards = new Map<string, IDashboardSummary[] | null>();
  private _progress = new Map<string, IProgress>();
  /** null for a project without a Video Studio folder. */
  private _videos = new Map<string, IRender[] | null>();
  private _expanded = new Set<string>();
  private _list: HTMLElement;
  private _status: HTMLElement;
  private _timer: number | undefined;
  private _loading: Promise<void> | null = null;

  constructor(
    private _app: JupyterFrontEnd,
    private _actions: IPanelActions
  ) {
    super();
    this.id = 'orpheus-panel';
    this.addClass('orpheus-Panel');
    this.title.caption = 'Orpheus projects';
    const header = h(
      'div',
      { className: 'orpheus-Panel-header' },
      h('h2', { className: 'orpheus-Panel-title' }, 'Orpheus'),
      iconButton('New Claude session', claudeIcon, () => void this._actions.newSession()),
      iconButton('New project', newFolderIcon, () => void this._newProject()),
      iconButton('My shares', shareIcon, () => void this._actions.myShares()),
      iconButton('Refresh', refreshIcon, () => void this.refresh())
    );
    this._status = h('div', { className: 'orpheus-Panel-status', role: 'status', 'aria-live': 'polite' });
    this._list = h('div', { className: 'orpheus-Panel-list', role: 'list', 'aria-label': 'Projects' });
    this.node.append(header, this._status, this._list);
  }

  /** Re-read projects, sessions and the expanded projects' notes and data. */
  refresh(): Promise<void> {
    if (!this._loading) {
      this._loading = this._load().finally(() => {
        this._loading = null;
      });
    }
    return this._loading;
  }

  /**
   * Data Studio: choose (or name) a project, upload data files into it and
   * analyse them; the project opens in this panel with its progress bar.
   */
  async dataStudio(): Promise<void> {
    let names: string[] = [];
    try {
      names = (await api.listProjects()).map(p => p.name);
    } catch (error) {
      notifyError(error, 'Could not list projects');
      return;
    }
    const choice = names.length
      ? await InputDialog.getItem({ title: 'Data Studio', label: 'Project (pick one or type a new name)', items: names, editable: true })
      : await InputDialog.getText({ title: 'Data Studio', label: 'New project name' });
    let name = choice.button.accept ? (choice.value ?? '').trim() : '';
    if (!name) {
      return;
    }
    if (!names.includes(name)) {
      try {
        name = (await api.createProject(name)).name;
      } catch (error) {
        notifyError(error, 'Could not create the project');
        return;
      }
    }
    this._expanded.add(name);
    this._app.shell.activateById(this.id);
    await this.refresh();
    const project = this._projects.find(p => p.name === name);
    if (!project) {
      return;
    }
    const files = await pickFiles();
    if (files.length && (await uploadFiles(this._app.serviceManager.contents, `${project.path}/data`, files)).length) {
      await this.refresh();
      await this._analyze(name);
    }
  }

  protected onAfterShow(): void {
    void this.refresh();
    window.clearInterval(this._timer);
    this._timer = window.setInterval(() => {
      if (this.isVisible && document.visibilityState === 'visible') {
        void this.refresh();
      }
    }, 20000);
  }

  protected onAfterHide(): void {
    window.clearInterval(this._timer);
  }

  dispose(): void {
    window.clearInterval(this._timer);
    super.dispose();
  }

  private async _load(): Promise<void> {
    try {
      const [projects, sessions] = await Promise.all([api.listProjects(), this._loadSessions()]);
      this._projects = projects;
      this._sessions = sessions;
      await Promise.all([...this._expanded].map(name => this._loadProject(name)));
      this._status.textContent = projects.length ? '' : 'No projects yet: start a Claude session or create a project.';
    } catch (error) {
      this._status.textContent = error instanceof Error ? error.message : String(error);
    }
    this._render();
  }

  private async _loadSessions(): Promise<ISession[] | null> {
    try {
      return await api.listSessions();
    } catch (error) {
      if (error instanceof OrpheusError && error.status === 404) {
        return null; // this server has no sessions API
      }
      throw error;
    }
  }

  private async _loadProject(name: string): Promise<void> {
    const project = this._projects.find(p => p.name === name);
    if (!project) {
      this._expanded.delete(name);
      return;
    }
    const [notes, data, dashboards, videos] = await Promise.all([
      api.listNotes(name).catch(() => [] as INote[]),
      this._app.serviceManager.contents
        .get(`${project.path}/data`, { content: true })
        .then(m => (m.content as Contents.IModel[]).filter(f => f.type !== 'directory'))
        .catch(() => [] as Contents.IModel[]),
      studioApi.dashboards(name).catch(error => (error instanceof OrpheusError && error.status === 404 ? null : [])),
      videoApi.renders(name).catch(() => null)
    ]);
    this._videos.set(name, videos);
    this._notes.set(name, notes);
    this._data.set(name, data);
    this._dashboards.set(name, dashboards);
  }

  private _render(): void {
    const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.key;
    this._list.replaceChildren(...this._projects.map(p => this._projectNode(p)));
    if (focusKey) {
      this._list.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
    }
  }

  private _projectNode(project: IProject): HTMLElement {
    const open = this._expanded.has(project.name);
    const bodyId = `orpheus-project-${project.name}`;
    const counts = project.contents ?? {};
    const summary = ['sessions', 'notes', 'data', 'dashboards']
      .filter(k => counts[k]?.count)
      .map(k => `${counts[k].count} ${counts[k].count === 1 ? SINGULAR[k] : k}`)
      .join(', ');
    const toggle = h(
      'button',
      {
        type: 'button',
        className: 'orpheus-Project-toggle',
        'aria-expanded': String(open),
        'aria-controls': bodyId,
        'data-key': `project:${project.name}`,
        title: project.description || project.name,
        onclick: () => void this._toggle(project.name)
      },
      (open ? caretDownIcon : caretRightIcon).element({ tag: 'span', className: 'orpheus-Caret' }),
      h(
        'span',
        { className: 'orpheus-Project-text' },
        h('span', { className: 'orpheus-Project-name' }, project.name),
        h('span', { className: 'orpheus-Muted' }, summary || ago(project.last_change))
      )
    );
    const item = h('div', { className: 'orpheus-Project', role: 'listitem' }, toggle);
    if (open) {
      item.append(
        h(
          'div',
          { id: bodyId, className: 'orpheus-Project-body' },
          this._sessions !== null ? this._sessionSection(project) : null,
          this._notesSection(project),
          this._dataSection(project),
          this._dashboards.get(project.name) !== null ? this._dashboardSection(project) : null,
          this._videos.get(project.name) ? this._videoSection(project) : null
        )
      );
    }
    return item;
  }

  private _section(title: string, actions: HTMLElement[], rows: HTMLElement[], empty: string): HTMLElement {
    return h(
      'section',
      { className: 'orpheus-Section', 'aria-label': title },
      h('div', { className: 'orpheus-Section-header' }, h('h3', {}, title), ...actions),
      rows.length
        ? h('ul', { className: 'orpheus-Rows', 'aria-label': title }, ...rows)
        : h('p', { className: 'orpheus-Muted orpheus-Empty' }, empty)
    );
  }

  private _sessionSection(project: IProject): HTMLElement {
    const sessions = (this._sessions ?? []).filter(s => s.project === project.name);
    return this._section(
      'Sessions',
      [iconButton(`New Claude session in ${project.name}`, addIcon, () => void this._actions.newSession(project.name))],
      sessions.map(s => this._sessionRow(s)),
      'No sessions.'
    );
  }

  private _sessionRow(session: ISession): HTMLElement {
    const running = !!session.terminal;
    const after = (p: Promise<unknown>) => void p.then(() => this.refresh());
    return h(
      'li',
      { className: 'orpheus-Row', 'data-session': session.id },
      h('span', {
        className: `orpheus-Dot orpheus-mod-${running ? 'running' : 'ended'}`,
        role: 'img',
        'aria-label': session.status
      }),
      h(
        'button',
        {
          type: 'button',
          className: 'orpheus-Row-main',
          'data-key': `session:${session.id}`,
          title: running ? `Open the terminal of "${session.title}"` : `Resume "${session.title}"`,
          onclick: () => after(openSession(this._app, session))
        },
        h('span', { className: 'orpheus-Row-label' }, session.title),
        h('span', { className: 'orpheus-Muted' }, `${session.mode} · ${session.status} · ${ago(session.created)}`)
      ),
      actions(
        running ? null : iconButton(`Resume ${session.title}`, runIcon, () => after(resumeSession(this._app, session))),
        iconButton(`Rename ${session.title}`, editIcon, () => after(renameSession(this._app, session))),
        iconButton(`Share ${session.title}`, shareIcon, () => void this._actions.share('session', session.path, session.title)),
        iconButton(`Replay the recording of ${session.title}`, historyIcon, () => void this._replay(session)),
        iconButton(`Download ${session.title} as a zip`, downloadIcon, () => download(api.sessionArchiveUrl(session.id))),
        iconButton(`Delete ${session.title}`, deleteIcon, () => after(deleteSession(session)))
      )
    );
  }

  private _notesSection(project: IProject): HTMLElement {
    const notes = this._notes.get(project.name) ?? [];
    return this._section(
      'Notes',
      [iconButton(`New note in ${project.name}`, addIcon, () => void this._newNote(project.name))],
      notes.map(n =>
        h(
          'li',
          { className: 'orpheus-Row' },
          h(
            'button',
            {
              type: 'button',
              className: 'orpheus-Row-main',
              'data-key': `note:${n.path}`,
              title: `Open ${n.path} in the Markdown editor`,
              onclick: () => void this._openFile(n.path)
            },
            h('span', { className: 'orpheus-Row-label' }, n.title),
            h('span', { className: 'orpheus-Muted' }, ago(n.updated_at))
          )
        )
      ),
      'No notes.'
    );
  }

  private _dataSection(project: IProject): HTMLElement {
    const files = this._data.get(project.name) ?? [];
    const progress = this._progress.get(project.name);
    const section = this._section(
      'Data',
      [
        iconButton(`Upload data files to ${project.name}`, fileUploadIcon, () => void this._upload(project)),
        iconButton(`Analyze the data of ${project.name}`, 'Analyze', () => void this._analyze(project.name)),
        iconButton(`Show the analysis of ${project.name}`, infoIcon, () => void this._showAnalysis(project.name))
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
              onclick: () => void this._app.commands.execute('docmanager:open', { path: f.path })
            },
            h('span', { className: 'orpheus-Row-label' }, f.name),
            h('span', { className: 'orpheus-Muted' }, ago(f.last_modified))
          ),
          iconButton(`Share ${f.name}`, shareIcon, () => void this._actions.share('file', f.path, f.name))
        )
      ),
      'No data files.'
    );
    if (progress) {
      section.insertBefore(this._progressNode(project.name, progress), section.children[1]);
    }
    return section;
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
    const old = this._list.querySelector(`[data-progress="${CSS.escape(project)}"]`);
    if (old) {
      old.replaceWith(this._progressNode(project, p));
    } else {
      this._render();
    }
  }

  private async _analyze(project: string): Promise<void> {
    if (this._progress.get(project)?.running) {
      return;
    }
    this._setProgress(project, { fraction: 0, message: 'Starting…', running: true });
    try {
      await runAnalysis(project, u => this._setProgress(project, { ...u, running: true }));
      this._setProgress(project, { fraction: 1, message: 'Done', running: false });
      await this._showAnalysis(project);
    } catch (error) {
      this._setProgress(project, { fraction: 0, message: 'Failed', running: false });
      notifyError(error, 'The analysis failed');
    }
    await this.refresh();
  }

  private async _showAnalysis(project: string): Promise<void> {
    try {
      const widget = analysisWidget(await studioApi.analysis(project));
      Array.from(this._app.shell.widgets('main')).find(w => w.id === widget.id)?.dispose();
      this._app.shell.add(widget, 'main');
      this._app.shell.activateById(widget.id);
    } catch (error) {
      notifyError(error, 'Could not show the analysis');
    }
  }

  private _dashboardSection(project: IProject): HTMLElement {
    const dashboards = this._dashboards.get(project.name) ?? [];
    return this._section(
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
              void this._actions.share('dashboard', `${project.path}/dashboards/${d.id}.json`, title)
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
        openDashboardPanel(this._app, dashboard.notebook, title);
      }
      // A new browser tab needs a click of the user's own (popup blockers).
      Notification.success(`Dashboard "${title}" generated.`, {
        autoClose: 8000,
        actions: [{ label: 'Open in a new tab', callback: () => void openDashboardTab(dashboard.notebook) }]
      });
    } catch (error) {
      notifyError(error, 'Could not generate a dashboard');
    }
    await this.refresh();
  }

  private async _openPanel(notebook: string, title: string): Promise<void> {
    if (await framingAllowed()) {
      openDashboardPanel(this._app, notebook, title);
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
    await this.refresh();
  }

  private _videoSection(project: IProject): HTMLElement {
    const renders = this._videos.get(project.name) ?? [];
    return this._section(
      'Videos',
      [],
      renders.map(r =>
        h(
          'li',
          { className: 'orpheus-Row' },
          h(
            'button',
            {
              type: 'button',
              className: 'orpheus-Row-main',
              'data-key': `video:${project.name}/${r.file}`,
              title: `Play ${r.file}`,
              onclick: () => this._show(videoWidget(project.name, r.file))
            },
            h('span', { className: 'orpheus-Row-label' }, r.file),
            h(
              'span',
              { className: 'orpheus-Muted' },
              [r.duration ? `${r.duration.toFixed(1)} s` : '', r.width ? `${r.width}×${r.height}` : '', formatBytes(r.size)]
                .filter(Boolean)
                .join(' · ')
            )
          )
        )
      ),
      'No rendered videos.'
    );
  }

  private _show(widget: Widget): void {
    const existing = Array.from(this._app.shell.widgets('main')).find(w => w.id === widget.id);
    if (existing) {
      widget.dispose();
      this._app.shell.activateById(existing.id);
      return;
    }
    this._app.shell.add(widget, 'main');
    this._app.shell.activateById(widget.id);
  }

  private async _replay(session: ISession): Promise<void> {
    try {
      this._show(await openReplay(session));
    } catch (error) {
      notifyError(error, 'Could not load the recording');
    }
  }

  private async _toggle(name: string): Promise<void> {
    if (this._expanded.has(name)) {
      this._expanded.delete(name);
    } else {
      this._expanded.add(name);
      await this._loadProject(name);
    }
    this._render();
  }

  private async _newProject(): Promise<void> {
    const result = await InputDialog.getText({ title: 'New project', label: 'Name', okLabel: 'Create' });
    if (!result.button.accept || !result.value) {
      return;
    }
    try {
      const project = await api.createProject(result.value);
      this._expanded.add(project.name);
      await this.refresh();
    } catch (error) {
      notifyError(error, 'Could not create the project');
    }
  }

  private async _newNote(project: string): Promise<void> {
    const result = await InputDialog.getText({ title: `New note in ${project}`, label: 'Title', okLabel: 'Create' });
    if (!result.button.accept || !result.value) {
      return;
    }
    try {
      const note = await api.createNote(project, result.value);
      await this._openFile(note.path);
      await this.refresh();
    } catch (error) {
      notifyError(error, 'Could not create the note');
    }
  }

  private async _openFile(path: string): Promise<void> {
    try {
      await this._app.commands.execute('docmanager:open', { path, factory: 'Editor' });
    } catch (error) {
      notifyError(error, `Could not open ${path}`);
    }
  }

  private async _upload(project: IProject): Promise<void> {
    const picked = await pickFiles();
    if (picked.length) {
      await uploadFiles(this._app.serviceManager.contents, `${project.path}/data`, picked);
      await this.refresh();
    }
  }
}

/** A row's buttons: always there for the keyboard; in a narrow panel shown on hover or focus. */
function actions(...buttons: (HTMLElement | null)[]): HTMLElement {
  return h('span', { className: 'orpheus-Row-actions' }, ...buttons);
}

/** Start a browser download of a same-origin URL (cookie auth). */
function download(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Let the user choose files with the browser's picker. */
function pickFiles(): Promise<File[]> {
  return new Promise(resolve => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.addEventListener('change', () => resolve(Array.from(input.files ?? [])));
    input.addEventListener('cancel', () => resolve([]));
    input.click();
  });
}
