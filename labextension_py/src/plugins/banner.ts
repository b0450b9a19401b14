import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { AccountInfo } from '../account';
import { TrialBanner } from '../banner';
import { booleanSetting, numberSetting, watchSettings } from '../settings';
import { IOrpheusAccount } from '../tokens';

const PLUGIN_ID = 'orpheus-lab:banner';

/**
 * The account service and the trial banner above the Lab. The account is
 * re-read every `refreshMinutes` and, with `refreshOnFocus`, whenever the
 * window gets focus: an extension or an approval shows without a reload.
 */
export const bannerPlugin: JupyterFrontEndPlugin<IOrpheusAccount> = {
  id: PLUGIN_ID,
  description: 'The Orpheus account and the trial banner with the time left.',
  autoStart: true,
  optional: [ISettingRegistry],
  provides: IOrpheusAccount,
  activate: (app: JupyterFrontEnd, registry: ISettingRegistry | null): IOrpheusAccount => {
    const account = new AccountInfo();
    app.shell.add(new TrialBanner(account), 'top', { rank: 1000 });
    const poller = new AccountPoller(account);
    void watchSettings(registry, PLUGIN_ID, values => {
      poller.configure(numberSetting(values, 'refreshMinutes', 2), booleanSetting(values, 'refreshOnFocus', true));
    });
    return account;
  }
};

/** Re-reads the account on an interval and on window focus. */
class AccountPoller {
  private _timer: number | undefined;
  private _onFocus = false;

  constructor(private _account: IOrpheusAccount) {
    window.addEventListener('focus', () => {
      if (this._onFocus) {
        void this._account.refresh();
      }
    });
  }

  configure(minutes: number, onFocus: boolean): void {
    window.clearInterval(this._timer);
    this._timer = window.setInterval(() => void this._account.refresh(), Math.max(minutes, 0.5) * 60000);
    this._onFocus = onFocus;
  }
}
