import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { DisposableSet } from '@lumino/disposable';

import { booleanSetting, watchSettings } from '../settings';
import { CATEGORY, CommandIDs, IOrpheusAI } from '../tokens';

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
  optional: [ILauncher, ICommandPalette, ISettingRegistry, IOrpheusAI],
  activate: (
    _app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
    ai: IOrpheusAI | null
  ) => {
    for (const command of PALETTE) {
      palette?.addItem({ command, category: CATEGORY });
    }
    if (!launcher) {
      return;
    }
    const cards = new LauncherCards(launcher);
    void watchSettings(registry, PLUGIN_ID, values => cards.show(booleanSetting(values, 'showLauncherCards', true)));
    // The launcher re-renders on its own model's changes only: put the cards back
    // when AI turns out to be off, so they show "(AI off)" without a reload.
    ai?.changed.connect(() => cards.redraw());
  }
};

/** The Orpheus cards of the launcher, shown or not. */
class LauncherCards {
  private _cards: DisposableSet | null = null;

  constructor(private _launcher: ILauncher) {}

  show(show: boolean): void {
    if (show && !this._cards) {
      const cards = new DisposableSet();
      CARDS.forEach((command, i) =>
        cards.add(this._launcher.add({ command, category: CATEGORY, rank: i + 1, args: { isLauncher: true } }))
      );
      this._cards = cards;
    } else if (!show && this._cards) {
      this._cards.dispose();
      this._cards = null;
    }
  }

  redraw(): void {
    if (this._cards) {
      this.show(false);
      this.show(true);
    }
  }
}
