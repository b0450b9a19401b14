import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { chatWidget } from '../chat';
import { dataIcon } from '../icons';
import { showInMain } from '../sessionRows';
import { CommandIDs, IOrpheusAI } from '../tokens';
import { askProject } from './video';

/** Chat with a project's data. */
export const chatPlugin: JupyterFrontEndPlugin<void> = {
  id: 'orpheus-lab:chat',
  description: 'Chat with the data of a project.',
  autoStart: true,
  optional: [IOrpheusAI],
  activate: (app: JupyterFrontEnd, ai: IOrpheusAI | null) => {
    app.commands.addCommand(CommandIDs.chat, {
      label: args =>
        (args.isLauncher ? 'Chat with data' : 'Chat with a Project’s Data…') + (ai?.offMessage ? ' (AI off)' : ''),
      caption: () =>
        ai?.offMessage
          ? `AI off: ${ai.offMessage}`
          : 'Ask questions about the data files of a project; the model answers by running Python',
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
