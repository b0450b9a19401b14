import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { DisposableSet } from '@lumino/disposable';

import { booleanSetting, watchSettings } from '../settings';
import { CATEGORY, CommandIDs } from '../tokens';

const PLUGIN_ID = 'orpheus-lab:launcher';

/** The launcher cards, in this order. */
const CARDS = [CommandIDs.newSession, CommandIDs.dataStudio, CommandIDs.chat, CommandIDs.videoStudio];

/** Palette entries. */
const PALETTE = [
  CommandIDs.newSession,
  CommandIDs.showPanel,
  CommandIDs.chat,
  CommandIDs.shareNotebook,
  CommandIDs.myShares
];

/** The Orpheus launcher cards (setting `showLauncherCards`) and palette entries. */
export const launcherPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'The Orpheus launcher cards and command palette entries.',
  autoStart: true,
  optional: [ILauncher, ICommandPalette, ISettingRegistry],
  activate: (
    _app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null
  ) => {
    for (const command of PALETTE) {
      palette?.addItem({ command, category: CATEGORY });
    }
    if (!launcher) {
      return;
    }
    let cards: DisposableSet | null = null;
    void watchSettings(registry, PLUGIN_ID, values => {
      const show = booleanSetting(values, 'showLauncherCards', true);
      if (show && !cards) {
        cards = new DisposableSet();
        CARDS.forEach((command, i) =>
          cards!.add(launcher.add({ command, category: CATEGORY, rank: i + 1, args: { isLauncher: true } }))
        );
      } else if (!show && cards) {
        cards.dispose();
        cards = null;
      }
    });
  }
};
