/**
 * Project notes: the Notes section of the side panel, and a note opened as
 * rendered Markdown (title, tags and dates shown above it, the front matter
 * never) with Edit, which opens the Markdown file in the editor.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { InputDialog, MainAreaWidget } from '@jupyterlab/apputils';
import { IRenderMimeRegistry, MimeModel, RenderMimeRegistry } from '@jupyterlab/rendermime';
import { addIcon, editIcon, markdownIcon, refreshIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { api, INote, IProject } from './api';
import { clip, h, iconButton, timeLabel } from './dom';
import { notifyError } from './notify';
import { actions, section } from './rows';

/** Open a file in Lab's text editor. */
export async function editFile(app: JupyterFrontEnd, path: string): Promise<void> {
  try {
    await app.commands.execute('docmanager:open', { path, factory: 'Editor' });
  } catch (error) {
    notifyError(error, `Could not open ${path}`);
  }
}

/** One note, rendered. */
export class NoteView extends Widget {
  private _body = h('div', { className: 'orpheus-NoteView-body' });
  private _head = h('header', { className: 'orpheus-NoteView-head' });

  constructor(
    private _app: JupyterFrontEnd,
    private _project: string,
    private _note: INote
  ) {
    super();
    this.addClass('orpheus-NoteView');
    this.node.append(this._head, this._body);
  }

  async load(): Promise<void> {
    try {
      const note = await api.getNote(this._project, this._note.id);
      this._note = note;
      this._renderHead(note);
      await this._renderBody(note.body);
    } catch (error) {
      this._body.replaceChildren(
        h('p', { className: 'orpheus-Error', role: 'alert' }, error instanceof Error ? error.message : String(error))
      );
    }
  }

  private _renderHead(note: INote): void {
    this._head.replaceChildren(
      h(
        'div',
        { className: 'orpheus-NoteView-titlebar' },
        h('h1', { className: 'orpheus-NoteView-title' }, note.title || note.id),
        h(
          'button',
          {
            type: 'button',
            className: 'jp-Button jp-mod-styled jp-mod-accept orpheus-NoteView-edit',
            'aria-label': `Edit ${note.title} in the editor`,
            onclick: () => void editFile(this._app, note.path)
          },
          'Edit'
        ),
        iconButton(`Reload ${note.title}`, refreshIcon, () => void this.load())
      ),
      h(
        'p',
        { className: 'orpheus-Muted orpheus-NoteView-meta' },
        `${this._project} · updated `,
        timeLabel(note.updated_at, ''),
        ' · created ',
        timeLabel(note.created_at, ''),
        ...(note.tags?.length ? [' · ', ...note.tags.map(t => h('span', { className: 'orpheus-Tag' }, t))] : [])
      )
    );
  }

  private async _renderBody(markdown: string): Promise<void> {
    if (!markdown.trim()) {
      this._body.replaceChildren(h('p', { className: 'orpheus-Muted' }, 'This note is empty. Use Edit to write it.'));
      return;
    }
    const registry = await this._app.resolveOptionalService(IRenderMimeRegistry);
    if (!registry) {
      this._body.replaceChildren(h('pre', { className: 'orpheus-NoteView-plain' }, markdown));
      return;
    }
    const resolver = new RenderMimeRegistry.UrlResolver({
      path: this._note.path,
      contents: this._app.serviceManager.contents
    });
    const renderer = registry.clone({ resolver }).createRenderer('text/markdown');
    await renderer.renderModel(new MimeModel({ data: { 'text/markdown': markdown }, trusted: false }));
    this._body.replaceChildren(renderer.node);
  }
}

/** Open a note as rendered Markdown (or reveal and reload it). */
export function openNote(app: JupyterFrontEnd, project: string, note: INote): void {
  const id = `orpheus-note-${project}-${note.id}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const existing = Array.from(app.shell.widgets('main')).find(w => w.id === id) as MainAreaWidget<NoteView> | undefined;
  if (existing) {
    void existing.content.load();
    app.shell.activateById(id);
    return;
  }
  const view = new NoteView(app, project, note);
  const widget = new MainAreaWidget({ content: view });
  widget.id = id;
  widget.title.label = note.title || note.id;
  widget.title.caption = `Note ${note.title} in ${project}`;
  widget.title.icon = markdownIcon;
  widget.title.closable = true;
  app.shell.add(widget, 'main');
  app.shell.activateById(id);
  void view.load();
}

/** The Notes section of a project: open (rendered), edit, new note. */
export function notesSection(
  app: JupyterFrontEnd,
  project: IProject,
  notes: INote[],
  refresh: () => Promise<void>
): HTMLElement {
  return section(
    'Notes',
    [iconButton(`New note in ${project.name}`, addIcon, () => void newNote(app, project.name, refresh))],
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
            'aria-label': `Open note ${n.title}`,
            title: `Open "${n.title}"`,
            onclick: () => openNote(app, project.name, n)
          },
          clip(n.title),
          timeLabel(n.updated_at)
        ),
        actions(iconButton(`Edit ${n.title}`, editIcon, () => void editFile(app, n.path)))
      )
    ),
    'No notes.'
  );
}

async function newNote(app: JupyterFrontEnd, project: string, refresh: () => Promise<void>): Promise<void> {
  const result = await InputDialog.getText({ title: `New note in ${project}`, label: 'Title', okLabel: 'Create' });
  if (!result.button.accept || !result.value) {
    return;
  }
  try {
    const note = await api.createNote(project, result.value);
    // A new note is empty: straight to the editor.
    await editFile(app, note.path);
    await refresh();
  } catch (error) {
    notifyError(error, 'Could not create the note');
  }
}
