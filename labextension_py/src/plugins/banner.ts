import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { AccountInfo } from '../account';
import { TrialBanner } from '../banner';
import { intervalMs, Throttle } from '../logic/poll';
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

/** Re-reads the account on an interval, and when the user comes back to the page (focus or tab shown). */
class AccountPoller {
  private _timer: number | undefined;
  private _onFocus = false;
  private _throttle = new Throttle(10000);

  constructor(private _account: IOrpheusAccount) {
    const back = () => {
      if (this._onFocus && document.visibilityState !== 'hidden' && this._throttle.ready()) {
        void this._account.refresh();
      }
    };
    window.addEventListener('focus', back);
    document.addEventListener('visibilitychange', back);
  }

  configure(minutes: number, onFocus: boolean): void {
    window.clearInterval(this._timer);
    this._timer = window.setInterval(() => void this._account.refresh(), intervalMs(minutes));
    this._onFocus = onFocus;
  }
}
