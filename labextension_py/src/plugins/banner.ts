import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { AccountInfo } from '../account';
import { TrialBanner } from '../banner';
import { IOrpheusAccount } from '../tokens';

/** The account service and the trial banner above the Lab. */
export const bannerPlugin: JupyterFrontEndPlugin<IOrpheusAccount> = {
  id: 'orpheus-lab:banner',
  description: 'The Orpheus account and the trial banner with the time left.',
  autoStart: true,
  provides: IOrpheusAccount,
  activate: (app: JupyterFrontEnd): IOrpheusAccount => {
    const account = new AccountInfo();
    app.shell.add(new TrialBanner(account), 'top', { rank: 1000 });
    window.setInterval(() => void account.refresh(), 600000);
    return account;
  }
};
