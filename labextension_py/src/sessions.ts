/** What a user can do with a Claude session; used by the panel, the launcher and commands. */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, InputDialog, Notification, showDialog } from '@jupyterlab/apputils';

import { aiOffMessage } from './ai';
import { api, ILLMStatus, ISession } from './api';
import { ISessionForm, sessionFormData } from './logic/multipart';
import { notifyError } from './notify';
import { askSessionForm, IProjectChoice } from './sessionDialog';
import { openSessionTerminal, retitleTerminal } from './terminal';

/**
 * Ask for the session's details, create it (multipart upload) and open its
 * terminal. A new project is made first from the title the user typed (the
 * server names its folder). A server refusal is shown in the dialog, which
 * stays open with what the user typed and picked. With AI off
 * (`ai.enabled` false) the form says so; the session can still start.
 */
export async function newSession(
  app: JupyterFrontEnd,
  allowShell: boolean,
  initial?: Partial<ISessionForm>,
  ai?: ILLMStatus | null
): Promise<ISession | null> {
  let projects: IProjectChoice[] = [];
  try {
    projects = (await api.listProjects()).map(p => ({
      name: p.name,
      title: p.title || p.name
    }));
  } catch (error) {
    notifyError(error, 'Could not list projects');
  }
  const made = new Map<string, string>(); // new project title -> folder, so a retry does not make another
  const submit = async (form: ISessionForm): Promise<ISession> => {
    try {
      let project = form.project.trim();
      if (form.newProject) {
        const existing = made.get(project);
        project = existing ?? (await api.createProject(project)).name;
        made.set(form.project.trim(), project);
      }
      return await api.createSession(sessionFormData({ ...form, project, newProject: false }));
    } catch (error) {
      notifyError(error, 'Could not create the session');
      throw error;
    }
  };
  const session = await askSessionForm(projects, allowShell, submit, initial, aiOffMessage(ai));
  if (!session) {
    return null;
  }
  Notification.success(`Session "${session.title}" started in project ${session.project}.`, { autoClose: 4000 });
  try {
    await openSessionTerminal(app, session);
  } catch (error) {
    notifyError(error, 'Could not open the terminal');
  }
  return session;
}

/** Open the terminal of a running session, or offer to resume an ended one. */
export async function openSession(app: JupyterFrontEnd, session: ISession): Promise<ISession> {
  if (session.terminal) {
    try {
      await openSessionTerminal(app, session);
    } catch (error) {
      notifyError(error, 'Could not open the terminal');
    }
    return session;
  }
  return resumeSession(app, session);
}

export async function resumeSession(app: JupyterFrontEnd, session: ISession): Promise<ISession> {
  try {
    const resumed = await api.resumeSession(session.id);
    await openSessionTerminal(app, resumed);
    return resumed;
  } catch (error) {
    notifyError(error, 'Could not resume the session');
    return session;
  }
}

export async function renameSession(app: JupyterFrontEnd, session: ISession): Promise<ISession | null> {
  const result = await InputDialog.getText({
    title: 'Rename session',
    label: 'New title',
    text: session.title,
    okLabel: 'Rename'
  });
  if (!result.button.accept || result.value === null || result.value === session.title) {
    return null;
  }
  try {
    const renamed = await api.renameSession(session.id, result.value);
    retitleTerminal(app, renamed);
    return renamed;
  } catch (error) {
    notifyError(error, 'Could not rename the session');
    return null;
  }
}

export async function deleteSession(session: ISession): Promise<boolean> {
  const result = await showDialog({
    title: 'Delete session',
    body: `Stop "${session.title}"? Tick the box to also delete its folder, files and recording.`,
    checkbox: { label: 'Also delete its files and recording', checked: false },
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
  });
  if (!result.button.accept) {
    return false;
  }
  try {
    await api.deleteSession(session.id, !!result.isChecked);
    return true;
  } catch (error) {
    notifyError(error, 'Could not delete the session');
    return false;
  }
}
