import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';

import { CATEGORY, CommandIDs } from '../tokens';

/** The launcher cards, in this order. */
const CARDS = [CommandIDs.newSession, CommandIDs.dataStudio, CommandIDs.chat, CommandIDs.videoStudio];

/** Palette entries. */
const PALETTE = [CommandIDs.newSession, CommandIDs.showPanel, CommandIDs.chat, CommandIDs.shareNotebook, CommandIDs.myShares];

/** The Orpheus launcher cards and palette entries. */
export const launcherPlugin: JupyterFrontEndPlugin<void> = {
  id: 'orpheus-lab:launcher',
  description: 'The Orpheus launcher cards and command palette entries.',
  autoStart: true,
  optional: [ILauncher, ICommandPalette],
  activate: (_app: JupyterFrontEnd, launcher: ILauncher | null, palette: ICommandPalette | null) => {
    CARDS.forEach((command, i) => launcher?.add({ command, category: CATEGORY, rank: i + 1, args: { isLauncher: true } }));
    for (const command of PALETTE) {
      palette?.addItem({ command, category: CATEGORY });
    }
  }
};
