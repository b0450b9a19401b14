/** Data Studio: copy data files from other projects into this one (`POST .../data/import`). */

import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import { api, IProject } from './api';
import { h } from './dom';
import { formatBytes } from './logic/multipart';
import { plural } from './logic/words';
import { notifyError } from './notify';

/** Every visible file under `folder` (recursively), relative to the Jupyter root. */
async function filesUnder(contents: Contents.IManager, folder: string): Promise<Contents.IModel[]> {
  let items: Contents.IModel[];
  try {
    items = (await contents.get(folder, { content: true })).content as Contents.IModel[];
  } catch {
    return [];
  }
  const nested = await Promise.all(
    items
      .filter(i => !i.name.startsWith('.'))
      .map(i => (i.type === 'directory' ? filesUnder(contents, i.path) : Promise.resolve([i])))
  );
  return nested.flat();
}

/** Checkboxes of the other projects' data files, grouped by project. */
class ImportPicker extends Widget {
  private _boxes: HTMLInputElement[] = [];

  constructor(groups: { project: IProject; files: Contents.IModel[] }[]) {
    super();
    this.addClass('orpheus-ImportPicker');
    for (const { project, files } of groups) {
      const list = h('ul', { className: 'orpheus-ImportPicker-files' });
      for (const f of files) {
        const box = h('input', { type: 'checkbox', value: f.path }) as HTMLInputElement;
        this._boxes.push(box);
        list.append(
          h(
            'li',
            {},
            h(
              'label',
              { title: f.path },
              box,
              h('span', { className: 'orpheus-Clip' }, f.path.slice(project.path.length + '/data/'.length)),
              h('span', { className: 'orpheus-Muted' }, f.size !== undefined ? ` ${formatBytes(f.size)}` : '')
            )
          )
        );
      }
      this.node.append(h('fieldset', {}, h('legend', {}, project.name), list));
    }
  }

  getValue(): string[] {
    return this._boxes.filter(b => b.checked).map(b => b.value);
  }
}

/** Let the user pick data files of other projects and copy them into `target`'s data folder. */
export async function importFromProjects(contents: Contents.IManager, target: IProject): Promise<boolean> {
  let groups: { project: IProject; files: Contents.IModel[] }[];
  try {
    const others = (await api.listProjects()).filter(p => p.name !== target.name && (p.contents?.data?.count ?? 0) > 0);
    groups = (
      await Promise.all(others.map(async p => ({ project: p, files: await filesUnder(contents, `${p.path}/data`) })))
    ).filter(g => g.files.length);
  } catch (error) {
    notifyError(error, 'Could not list the other projects');
    return false;
  }
  if (!groups.length) {
    Notification.info('No other project has data files to import.', { autoClose: 6000 });
    return false;
  }
  const result = await showDialog({
    title: `Import data into ${target.name}`,
    body: new ImportPicker(groups),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Import', ariaLabel: 'Import the chosen files' })]
  });
  const paths = result.button.accept ? (result.value ?? []) : [];
  if (!paths.length) {
    return false;
  }
  try {
    const done = await api.importData(target.name, paths, 'rename');
    const renamed = done.imported.filter(i => i.renamed).map(i => `${i.source.split('/').pop()} → ${i.name}`);
    Notification.success(
      `Imported ${plural(done.imported.length, 'file')} into ${target.name}/data.` +
        (renamed.length ? ` Renamed to keep existing files: ${renamed.join(', ')}.` : ''),
      { autoClose: 8000 }
    );
    return true;
  } catch (error) {
    notifyError(error, 'The import failed');
    return false;
  }
}
