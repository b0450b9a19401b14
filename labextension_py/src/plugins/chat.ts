import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { chatWidget } from '../chat';
import { dataIcon } from '../icons';
import { showInMain } from '../sessionRows';
import { CommandIDs } from '../tokens';
import { askProject } from './video';

/** Chat with a project's data. */
export const chatPlugin: JupyterFrontEndPlugin<void> = {
  id: 'orpheus-lab:chat',
  description: 'Chat with the data of a project.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    app.commands.addCommand(CommandIDs.chat, {
      label: args => (args.isLauncher ? 'Chat with data' : 'Chat with a Project’s Data…'),
      caption: 'Ask questions about the data files of a project; the model answers by running Python',
      icon: dataIcon,
      execute: async args => {
        const project = (args.project as string | undefined) ?? (await askProject('Chat with data'));
        if (project) {
          showInMain(app, chatWidget(app, project));
        }
      }
    });
  }
};
