import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, InputDialog, Notification, ToolbarButton } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITerminalTracker } from '@jupyterlab/terminal';
import { shareIcon } from '@jupyterlab/ui-components';

import { IInfo, TrialBanner } from './banner';
import { api, videoApi } from './api';
import { claudeIcon, dataIcon, orpheusIcon, videoIcon } from './icons';
import { notifyError } from './notify';
import { shareKindOf } from './logic/expiry';
import { OrpheusPanel } from './panel';
import { newSession } from './sessions';
import { shareTarget, showMyShares } from './shareDialog';
import { relabelRestoredTerminals } from './terminal';

const CATEGORY = 'Orpheus';

namespace CommandIDs {
  export const newSession = 'orpheus:new-session';
  export const showPanel = 'orpheus:show-panel';
  export const dataStudio = 'orpheus:data-studio';
  export const shareFile = 'orpheus:share-file';
  export const shareNotebook = 'orpheus:share-notebook';
  export const myShares = 'orpheus:my-shares';
  export const videoStudio = 'orpheus:video-studio';
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
  optional: [ILauncher, ICommandPalette, ILayoutRestorer, IDefaultFileBrowser, INotebookTracker, ITerminalTracker],
  activate: (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    browser: IDefaultFileBrowser | null,
    notebooks: INotebookTracker | null,
    terminals: ITerminalTracker | null
  ) => {
    if (terminals) {
      void app.restored.then(() => relabelRestoredTerminals(terminals));
    }
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
      },
      share: (kind, target, title) => shareTarget(kind, target, title),
      myShares: () => showMyShares()
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
      caption: 'Upload data files into a project, analyse them and build dashboards',
      icon: dataIcon,
      execute: () => panel.dataStudio()
    });

    app.commands.addCommand(CommandIDs.shareFile, {
      label: 'Share with a Public Link…',
      caption: 'Create a read-only public link to a snapshot of this file',
      icon: shareIcon,
      isEnabled: () => !!browser?.selectedItems().next()?.value,
      execute: args => {
        const item = args.path ? null : browser?.selectedItems().next()?.value;
        const path = (args.path as string | undefined) ?? item?.path;
        if (path) {
          return shareTarget(shareKindOf(path), path, path.split('/').pop() ?? path);
        }
      }
    });
    app.contextMenu.addItem({
      command: CommandIDs.shareFile,
      selector: '.jp-DirListing-item[data-isdir="false"]',
      rank: 10
    });
    app.commands.addCommand(CommandIDs.shareNotebook, {
      label: 'Share Notebook with a Public Link…',
      caption: 'Create a read-only public link to a snapshot of this notebook (save first)',
      icon: shareIcon,
      isEnabled: () => !!notebooks?.currentWidget,
      execute: async () => {
        const current = notebooks?.currentWidget;
        if (current) {
          await current.context.save();
          return shareTarget('notebook', current.context.path, current.title.label);
        }
      }
    });
    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel: NotebookPanel) => {
        const button = new ToolbarButton({
          icon: shareIcon,
          tooltip: 'Share this notebook with a public link',
          label: 'Share',
          onClick: () => {
            void panel.context.save().then(() => shareTarget('notebook', panel.context.path, panel.title.label));
          }
        });
        panel.toolbar.insertItem(10, 'orpheusShare', button);
        return button;
      }
    });
    app.commands.addCommand(CommandIDs.myShares, {
      label: 'My Share Links',
      icon: shareIcon,
      execute: () => showMyShares()
    });

    app.commands.addCommand(CommandIDs.videoStudio, {
      label: args => (args.isLauncher ? 'Video Studio' : 'Open Video Studio…'),
      caption: 'Set up a Video Studio folder in a project and open it',
      icon: videoIcon,
      execute: async () => {
        let projects: string[] = [];
        try {
          projects = (await api.listProjects()).map(p => p.name);
        } catch (error) {
          notifyError(error, 'Could not list projects');
          return;
        }
        const choice = projects.length
          ? await InputDialog.getItem({ title: 'Video Studio', label: 'Project', items: projects, editable: true })
          : await InputDialog.getText({ title: 'Video Studio', label: 'New project name' });
        const project = choice.button.accept ? (choice.value ?? '').trim() : '';
        if (!project) {
          return;
        }
        try {
          await videoApi.scaffold(project);
          const folder = (await api.listProjects()).find(p => p.name === project)?.path ?? `projects/${project}`;
          await app.commands.execute('filebrowser:go-to-path', { path: `${folder}/video/` });
          Notification.success(`Video Studio is ready in ${folder}/video.`, { autoClose: 4000 });
          void panel.refresh();
        } catch (error) {
          notifyError(error, 'Could not set up Video Studio');
        }
      }
    });

    if (launcher) {
      launcher.add({ command: CommandIDs.newSession, category: CATEGORY, rank: 1, args: { isLauncher: true } });
      launcher.add({ command: CommandIDs.dataStudio, category: CATEGORY, rank: 2, args: { isLauncher: true } });
      launcher.add({ command: CommandIDs.videoStudio, category: CATEGORY, rank: 3, args: { isLauncher: true } });
    }
    if (palette) {
      for (const command of [CommandIDs.newSession, CommandIDs.showPanel, CommandIDs.shareNotebook, CommandIDs.myShares]) {
        palette.addItem({ command, category: CATEGORY });
      }
    }
  }
};

export default [plugin];
