import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ToolbarButton } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { shareIcon } from '@jupyterlab/ui-components';

import { shareKindOf } from '../logic/expiry';
import { shareTarget, showMyShares } from '../shareDialog';
import { CommandIDs } from '../tokens';

/** Public share links: files from the file browser, notebooks from their toolbar, and "My Share Links". */
export const sharesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'orpheus-lab:shares',
  description: 'Share files and notebooks with public read-only links.',
  autoStart: true,
  optional: [IDefaultFileBrowser, INotebookTracker],
  activate: (app: JupyterFrontEnd, browser: IDefaultFileBrowser | null, notebooks: INotebookTracker | null) => {
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
    app.docRegistry.addWidgetExtension('Notebook', { createNew: shareButton });
    app.commands.addCommand(CommandIDs.myShares, {
      label: 'My Share Links',
      icon: shareIcon,
      execute: () => showMyShares()
    });
  }
};

/** The "Share" button of a notebook's toolbar. */
function shareButton(panel: NotebookPanel): ToolbarButton {
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
