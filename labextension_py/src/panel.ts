import { JupyterFrontEnd } from '@jupyterlab/application';
import { InputDialog } from '@jupyterlab/apputils';
import {
  caretDownIcon,
  caretRightIcon,
  deleteIcon,
  newFolderIcon,
  refreshIcon,
  shareIcon
} from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { api, IProject, ISession } from './api';
import { clip, h, iconButton, timeLabel } from './dom';
import { claudeIcon } from './icons';
import { plural } from './logic/words';
import { notesSection } from './notes';
import { notifyError } from './notify';
import { OrpheusError } from './request';
import { ProjectData } from './projectData';
import { askNewProject } from './projectDialog';
import { pickFiles } from './rows';
import { IRowContext, sessionSection } from './sessionRows';
import { StudioSections } from './studio';
import { openTrash, trashProject } from './trash';
import { uploadFiles } from './upload';
import { videoSection } from './videoRows';

/** Hooks the panel calls for things other modules own (launcher, share dialog, ...). */
export interface IPanelActions {
  newSession(project?: string): Promise<unknown>;
  share(kind: string, target: string, title: string): Promise<unknown>;
  myShares(): Promise<unknown>;
}

const SINGULAR: Record<string, string> = {
  sessions: 'session',
  notes: 'note',
  data: 'data file',
  dashboards: 'dashboard',
  videos: 'video'
};

/**
 * The Orpheus side panel: every project, and inside each its sessions, notes
 * and data files. Keeps the expanded projects and the focused row across
 * refreshes; refreshes every 20 s while visible.
 */
export class OrpheusPanel extends Widget {
  private _projects: IProject[] = [];
  /** null while the sessions API is not on this server. */
  private _sessions: ISession[] | null = [];
  private _content: ProjectData;
  private _studio: StudioSections;
  private _rowContext: IRowContext;
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
    this._content = new ProjectData(_app);
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
      iconButton('Open the trash', deleteIcon, () => openTrash(this._app, () => void this.refresh())),
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
    let projects: IProject[] = [];
    try {
      projects = await api.listProjects();
    } catch (error) {
      notifyError(error, 'Could not list projects');
      return;
    }
    const choice = projects.length
      ? await InputDialog.getItem({
          title: 'Data Studio',
          label: 'Project (pick one or type a new title)',
          items: projects.map(p => p.name),
          editable: true
        })
      : await InputDialog.getText({ title: 'Data Studio', label: 'New project title' });
    const typed = choice.button.accept ? (choice.value ?? '').trim() : '';
    if (!typed) {
      return;
    }
    let name = projects.find(p => p.name === typed || p.title === typed)?.name;
    if (!name) {
      try {
        name = (await api.createProject(typed)).name;
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
    await this._content.load(project);
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
    const title = project.title || project.name;
    const bodyId = `orpheus-project-${project.name}`;
    const counts = project.contents ?? {};
    const summary = Object.keys(SINGULAR)
      .filter(k => counts[k]?.count)
      .map(k => plural(counts[k].count, SINGULAR[k], k === 'data' ? 'data files' : k))
      .join(', ');
    const toggle = h(
      'button',
      {
        type: 'button',
        className: 'orpheus-Project-toggle',
        'aria-expanded': String(open),
        'aria-controls': bodyId,
        'data-key': `project:${project.name}`,
        title: [title === project.name ? title : `${title} (folder ${project.name})`, project.description]
          .filter(Boolean)
          .join('\n'),
        onclick: () => void this._toggle(project.name)
      },
      (open ? caretDownIcon : caretRightIcon).element({ tag: 'span', className: 'orpheus-Caret' }),
      h(
        'span',
        { className: 'orpheus-Project-text' },
        clip(title, 'orpheus-Project-name'),
        title !== project.name ? clip(project.name, 'orpheus-Muted orpheus-Project-slug') : null,
        summary ? clip(summary, 'orpheus-Muted') : timeLabel(project.last_change)
      )
    );
    const item = h('div', { className: 'orpheus-Project', role: 'listitem' }, toggle);
    if (open) {
      const c = this._content;
      const dashboards = c.dashboards.get(project.name);
      const videos = c.videos.get(project.name);
      item.append(
        h(
          'div',
          { id: bodyId, className: 'orpheus-Project-body' },
          h(
            'div',
            { className: 'orpheus-Project-tools' },
            iconButton(
              `Move ${project.name} to the trash`,
              deleteIcon,
              () => void this._trash(project.name),
              'orpheus-Project-trash'
            )
          ),
          this._sessions !== null ? sessionSection(this._rowContext, project, this._sessions) : null,
          notesSection(this._app, project, c.notes.get(project.name) ?? [], () => this.refresh()),
          this._studio.dataSection(project, c.data.get(project.name) ?? [], () => void this._upload(project)),
          dashboards ? this._studio.dashboardSection(project, dashboards) : null,
          videos ? videoSection(this._rowContext, project, videos) : null
        )
      );
    }
    return item;
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

  /** The shared "New project" dialog (title, live folder name; refusals stay in it); the new project opens. */
  private async _newProject(): Promise<void> {
    const project = await askNewProject();
    if (project) {
      this._expanded.add(project.name);
      await this.refresh();
    }
  }

  private async _trash(name: string): Promise<void> {
    if (await trashProject(name, api.trashProject)) {
      this._expanded.delete(name);
      await this.refresh();
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
