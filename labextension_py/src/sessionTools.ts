/** Bring outside material into a session folder: clone a git repository, save a web page. */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';

import { api, ISession } from './api';
import { askForm } from './forms';
import { notifyError } from './notify';

function parentOf(path: string): string {
  return path.split('/').slice(0, -1).join('/');
}

/** End a pending notification with the failure (the server's message as it is). */
function failed(pending: string, error: unknown, what: string): void {
  Notification.dismiss(pending);
  notifyError(error, what);
}

function showInBrowser(app: JupyterFrontEnd, folder: string): void {
  void app.commands.execute('filebrowser:go-to-path', { path: `${folder}/` });
}

/** Ask for a repository URL (and branch) and clone it into the session's folder. */
export async function cloneIntoSession(app: JupyterFrontEnd, session: ISession): Promise<void> {
  const values = await askForm(
    `Clone a repository into ${session.title}`,
    'A shallow copy (latest commit only) of a public git repository goes into the session folder, where Claude can read it.',
    [
      {
        key: 'url',
        label: 'Repository URL',
        placeholder: 'https://github.com/owner/repo.git',
        type: 'url',
        required: true
      },
      { key: 'branch', label: 'Branch (optional)', placeholder: 'main', help: 'Leave empty for the default branch.' }
    ],
    'Clone'
  );
  if (!values) {
    return;
  }
  const pending = Notification.emit(`Cloning ${values.url}…`, 'in-progress', { autoClose: false });
  try {
    const result = await api.cloneIntoSession(session.id, values.url, values.branch);
    Notification.update({
      id: pending,
      message: `Cloned into ${result.name} in the session folder.`,
      type: 'success',
      autoClose: 6000,
      actions: [{ label: 'Show in the file browser', callback: () => showInBrowser(app, result.path) }]
    });
  } catch (error) {
    failed(pending, error, 'The clone failed');
  }
}

/** Ask for a URL and save that web page as Markdown in the session's folder. */
export async function fetchIntoSession(app: JupyterFrontEnd, session: ISession): Promise<void> {
  const values = await askForm(
    `Save a web page into ${session.title}`,
    'The page is fetched by the server and saved as a Markdown file in the session folder, where Claude can read it.',
    [{ key: 'url', label: 'Page URL', placeholder: 'https://example.org/article', type: 'url', required: true }],
    'Save page'
  );
  if (!values) {
    return;
  }
  const pending = Notification.emit(`Fetching ${values.url}…`, 'in-progress', { autoClose: false });
  try {
    const page = await api.fetchIntoSession(session.id, values.url);
    Notification.update({
      id: pending,
      message: `Saved "${page.title || page.url}" as ${page.path.split('/').pop()}.`,
      type: 'success',
      autoClose: 6000,
      actions: [
        {
          label: 'Open',
          callback: () => void app.commands.execute('docmanager:open', { path: page.path, factory: 'Markdown Preview' })
        },
        { label: 'Show in the file browser', callback: () => showInBrowser(app, parentOf(page.path)) }
      ]
    });
  } catch (error) {
    failed(pending, error, 'Could not fetch the page');
  }
}
