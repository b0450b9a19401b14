import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';

import { IInfo, TrialBanner } from './banner';
import { claudeIcon, dataIcon, orpheusIcon } from './icons';
import { OrpheusPanel } from './panel';
import { newSession } from './sessions';

const CATEGORY = 'Orpheus';

namespace CommandIDs {
  export const newSession = 'orpheus:new-session';
  export const showPanel = 'orpheus:show-panel';
  export const dataStudio = 'orpheus:data-studio';
}

/** Whether the hub lets this user open plain shells (members of the "shell" group). */
function mayOpenShells(info: IInfo | null): boolean {
  const account = info?.account ?? {};
  const groups = Array.isArray(account.groups) ? (account.groups as unknown[]) : [];
  return account.may_open_shells === true || groups.includes('shell');
}

/** Trial banner, Orpheus side panel, launcher cards and commands. */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'orpheus-lab:plugin',
  description: 'Orpheus in JupyterLab: Claude sessions, projects, notes and data.',
  autoStart: true,
  optional: [ILauncher, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const banner = new TrialBanner();
    app.shell.add(banner, 'top', { rank: 1000 });
    let info: IInfo | null = null;
    const infoReady = banner.start().then(i => {
      info = i;
    });

    const panel = new OrpheusPanel(app, {
      newSession: async (project?: string) => {
        await infoReady;
        const session = await newSession(app, mayOpenShells(info), project ? { project } : undefined);
        if (session) {
          await panel.refresh();
        }
      }
    });
    panel.title.icon = orpheusIcon;
    app.shell.add(panel, 'left', { rank: 300 });
    restorer?.add(panel, 'orpheus-panel');

    app.commands.addCommand(CommandIDs.newSession, {
      label: args => (args.isLauncher ? 'Claude session' : 'New Claude Session…'),
      caption: 'Start Claude in a project folder, with files you upload, in a terminal',
      icon: claudeIcon,
      execute: async () => {
        await infoReady;
        const session = await newSession(app, mayOpenShells(info));
        if (session) {
          void panel.refresh();
        }
        return session;
      }
    });
    app.commands.addCommand(CommandIDs.showPanel, {
      label: 'Show Orpheus Projects',
      icon: orpheusIcon,
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.dataStudio, {
      label: args => (args.isLauncher ? 'Data Studio' : 'Open Data Studio'),
      caption: 'Upload data files into a project and explore them',
      icon: dataIcon,
      execute: () => app.shell.activateById(panel.id)
    });

    if (launcher) {
      launcher.add({ command: CommandIDs.newSession, category: CATEGORY, rank: 1 });
      launcher.add({ command: CommandIDs.dataStudio, category: CATEGORY, rank: 2 });
    }
    if (palette) {
      for (const command of [CommandIDs.newSession, CommandIDs.showPanel]) {
        palette.addItem({ command, category: CATEGORY });
      }
    }
  }
};

export default [plugin];
