import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { InputDialog, Notification } from '@jupyterlab/apputils';

import { api, videoApi } from '../api';
import { videoIcon } from '../icons';
import { notifyError } from '../notify';
import { CommandIDs, IOrpheusPanel } from '../tokens';

/** Video Studio: set up a project's video folder and open it. */
export const videoPlugin: JupyterFrontEndPlugin<void> = {
  id: 'orpheus-lab:video',
  description: 'The Video Studio command.',
  autoStart: true,
  optional: [IOrpheusPanel],
  activate: (app: JupyterFrontEnd, panel: IOrpheusPanel | null) => {
    app.commands.addCommand(CommandIDs.videoStudio, {
      label: args => (args.isLauncher ? 'Video Studio' : 'Open Video Studio…'),
      caption: 'Set up a Video Studio folder in a project and open it',
      icon: videoIcon,
      execute: async () => {
        const project = await askProject('Video Studio');
        if (project && (await openVideoStudio(app, project))) {
          void panel?.refresh();
        }
      }
    });
  }
};

/** Pick an existing project or name a new one; null when cancelled or unlisted. */
export async function askProject(title: string): Promise<string | null> {
  let projects: string[];
  try {
    projects = (await api.listProjects()).map(p => p.name);
  } catch (error) {
    notifyError(error, 'Could not list projects');
    return null;
  }
  const choice = projects.length
    ? await InputDialog.getItem({ title, label: 'Project', items: projects, editable: true })
    : await InputDialog.getText({ title, label: 'New project name' });
  const project = choice.button.accept ? (choice.value ?? '').trim() : '';
  return project || null;
}

async function openVideoStudio(app: JupyterFrontEnd, project: string): Promise<boolean> {
  try {
    await videoApi.scaffold(project);
    const folder = (await api.listProjects()).find(p => p.name === project)?.path ?? `projects/${project}`;
    await app.commands.execute('filebrowser:go-to-path', { path: `${folder}/video/` });
    Notification.success(`Video Studio is ready in ${folder}/video.`, { autoClose: 4000 });
    return true;
  } catch (error) {
    notifyError(error, 'Could not set up Video Studio');
    return false;
  }
}
