import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { AIStatus } from '../ai';
import { CommandIDs, IOrpheusAI } from '../tokens';

/** Whether AI is on (`GET /orpheus/api/llm`), asked once at start; AI commands relabel when it changes. */
export const aiPlugin: JupyterFrontEndPlugin<IOrpheusAI> = {
  id: 'orpheus-lab:ai',
  description: 'Whether the AI features are available on this server, and why not.',
  autoStart: true,
  provides: IOrpheusAI,
  activate: (app: JupyterFrontEnd): IOrpheusAI => {
    const ai = new AIStatus();
    const commands = [CommandIDs.newSession, CommandIDs.chat];
    ai.changed.connect(() => {
      commands.filter(id => app.commands.hasCommand(id)).forEach(id => app.commands.notifyCommandChanged(id));
    });
    return ai;
  }
};
