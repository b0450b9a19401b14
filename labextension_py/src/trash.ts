/** The project trash as a Lab panel: deleted projects with Restore and Delete for good. */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { InputDialog, MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { deleteIcon, refreshIcon, undoIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { ITrashEntry, trashApi } from './api';
import { clip, confirmAction, h, iconButton, timeLabel } from './dom';
import { plural } from './logic/words';
import { notifyError } from './notify';
import { OrpheusError } from './request';
import { actions } from './rows';

const TRASH_ID = 'orpheus-trash';

/** The list of deleted projects; `onChange` runs after a restore (the side panel refreshes). */
export class TrashView extends Widget {
  private _status = h('p', { className: 'orpheus-Muted', role: 'status', 'aria-live': 'polite' });
  private _list = h('ul', { className: 'orpheus-Rows orpheus-TrashList', 'aria-label': 'Deleted projects' });

  constructor(private _onChange: () => void) {
    super();
    this.addClass('orpheus-TrashView');
    this.node.append(
      h(
        'div',
        { className: 'orpheus-Section-header' },
        h('h1', {}, 'Trash'),
        iconButton('Refresh the trash', refreshIcon, () => void this.load())
      ),
      h('p', { className: 'orpheus-Muted' }, 'Deleted projects stay here until you delete them for good.'),
      this._status,
      this._list
    );
  }

  async load(): Promise<void> {
    try {
      const entries = await trashApi.list();
      this._status.textContent = entries.length ? plural(entries.length, 'deleted project') : 'The trash is empty.';
      this._list.replaceChildren(...entries.map(e => this._row(e)));
    } catch (error) {
      this._status.textContent = error instanceof Error ? error.message : String(error);
      this._list.replaceChildren();
    }
  }

  private _row(entry: ITrashEntry): HTMLElement {
    return h(
      'li',
      { className: 'orpheus-Row', 'data-trash': entry.entry },
      h(
        'span',
        { className: 'orpheus-Row-main orpheus-Row-static' },
        clip(entry.name),
        h('span', { className: 'orpheus-Muted' }, 'deleted ', timeLabel(entry.deleted_at, ''))
      ),
      actions(
        iconButton(`Restore ${entry.name}`, undoIcon, () => void this._restore(entry)),
        iconButton(`Delete ${entry.name} for good`, deleteIcon, () => void this._purge(entry))
      )
    );
  }

  private async _restore(entry: ITrashEntry, name?: string): Promise<void> {
    try {
      const project = await trashApi.restore(entry.entry, name);
      Notification.success(`Restored project ${project.name}.`, { autoClose: 4000 });
      this._onChange();
    } catch (error) {
      if (error instanceof OrpheusError && error.status === 409) {
        const answer = await InputDialog.getText({
          title: `Restore ${entry.name}`,
          label: `${error.message}. New name:`,
          text: `${entry.name}-restored`,
          okLabel: 'Restore'
        });
        if (answer.button.accept && answer.value?.trim()) {
          return this._restore(entry, answer.value.trim());
        }
      } else {
        notifyError(error, `Could not restore ${entry.name}`);
      }
    }
    await this.load();
  }

  private async _purge(entry: ITrashEntry): Promise<void> {
    const ok = await confirmAction(
      `Delete ${entry.name} for good?`,
      `The project "${entry.name}" and every file in it will be deleted. This cannot be undone.`,
      'Delete for good'
    );
    if (!ok) {
      return;
    }
    try {
      await trashApi.purge(entry.entry);
      Notification.success(`Deleted ${entry.name} for good.`, { autoClose: 4000 });
    } catch (error) {
      notifyError(error, `Could not delete ${entry.name}`);
    }
    await this.load();
  }
}

/** Open (or reveal and reload) the trash panel. */
export function openTrash(app: JupyterFrontEnd, onChange: () => void): void {
  const existing = Array.from(app.shell.widgets('main')).find(w => w.id === TRASH_ID) as
    MainAreaWidget<TrashView> | undefined;
  if (existing) {
    void existing.content.load();
    app.shell.activateById(TRASH_ID);
    return;
  }
  const view = new TrashView(onChange);
  const widget = new MainAreaWidget({ content: view });
  widget.id = TRASH_ID;
  widget.title.label = 'Orpheus trash';
  widget.title.icon = deleteIcon;
  widget.title.closable = true;
  app.shell.add(widget, 'main');
  app.shell.activateById(TRASH_ID);
  void view.load();
}

/** Move a project to the trash after asking; true when it went. */
export async function trashProject(name: string, remove: (name: string) => Promise<void>): Promise<boolean> {
  const ok = await confirmAction(
    `Move ${name} to the trash?`,
    `The project "${name}" leaves the list; you can restore it from the trash until you delete it for good.`,
    'Move to trash'
  );
  if (!ok) {
    return false;
  }
  try {
    await remove(name);
    Notification.success(`Moved ${name} to the trash.`, { autoClose: 4000 });
    return true;
  } catch (error) {
    notifyError(error, `Could not move ${name} to the trash`);
    return false;
  }
}
