import { JupyterFrontEnd } from '@jupyterlab/application';
import { InputDialog } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import {
  addIcon,
  caretDownIcon,
  caretRightIcon,
  newFolderIcon,
  refreshIcon,
  shareIcon
} from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { api, IDashboardSummary, INote, IProject, ISession, IVideoModel, studioApi, videoApi } from './api';
import { h, iconButton } from './dom';
import { claudeIcon } from './icons';
import { ago } from './logic/format';
import { notifyError } from './notify';
import { OrpheusError } from './request';
import { pickFiles, section } from './rows';
import { IRowContext, sessionSection, videoSection } from './sessionRows';
import { StudioSections } from './studio';
import { uploadFiles } from './upload';

/** Hooks the panel calls for things other modules own (launcher, share dialog, ...). */
export interface IPanelActions {
  newSession(project?: string): Promise<unknown>;
  share(kind: string, target: string, title: string): Promise<unknown>;
  myShares(): Promise<unknown>;
}

const SINGULAR: Record<string, string> = { sessions: 'session', notes: 'note', data: 'data file', dashboards: 'dashboard' };

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
  private _studio: StudioSections;
  private _rowContext: IRowContext;
  /** null for a project without a Video Studio folder. */
  private _videos = new Map<string, IVideoModel | null>();
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
    this._rowContext = {
      app: this._app,
      refresh: () => this.refresh(),
      newSession: project => this._actions.newSession(project),
      share: (kind, target, title) => this._actions.share(kind, target, title)
    };
    const list = this._list;
    this._studio = new StudioSections({
      app: this._app,
      list,
      refresh: () => this.refresh(),
      render: () => this._render(),
      share: (kind, target, title) => this._actions.share(kind, target, title)
    });
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
      await this._studio.analyze(name);
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
      videoApi.model(name).catch(() => null)
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
          this._sessions !== null ? sessionSection(this._rowContext, project, this._sessions) : null,
          this._notesSection(project),
          this._studio.dataSection(project, this._data.get(project.name) ?? [], () => void this._upload(project)),
          this._dashboards.get(project.name)
            ? this._studio.dashboardSection(project, this._dashboards.get(project.name) ?? [])
            : null,
          this._videos.get(project.name) ? videoSection(this._rowContext, project, this._videos.get(project.name) as IVideoModel) : null
        )
      );
    }
    return item;
  }

  private _notesSection(project: IProject): HTMLElement {
    const notes = this._notes.get(project.name) ?? [];
    return section(
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
