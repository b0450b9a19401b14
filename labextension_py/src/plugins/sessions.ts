import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IStateDB } from '@jupyterlab/statedb';
import { ITerminalTracker } from '@jupyterlab/terminal';
import { Signal } from '@lumino/signaling';

import { ISession } from '../api';
import { claudeIcon } from '../icons';
import { newSession } from '../sessions';
import { SessionTabs } from '../sessionTabs';
import { CommandIDs, IOrpheusAccount, IOrpheusAI, IOrpheusSessions } from '../tokens';

/** The sessions service: the new-session dialog, and a signal when sessions change. */
class SessionService implements IOrpheusSessions {
  readonly changed: Signal<IOrpheusSessions, ISession> = new Signal<IOrpheusSessions, ISession>(this);

  constructor(
    private _app: JupyterFrontEnd,
    private _account: IOrpheusAccount,
    private _ai: IOrpheusAI | null
  ) {}

  async newSession(project?: string): Promise<ISession | null> {
    await this._account.ready;
    const ai = this._ai ? await this._ai.ready : null;
    const session = await newSession(this._app, this._account.mayOpenShells(), project ? { project } : undefined, ai);
    if (session) {
      this.changed.emit(session);
    }
    return session;
  }
}

/** Claude sessions: the new-session command and restored session terminals. */
export const sessionsPlugin: JupyterFrontEndPlugin<IOrpheusSessions> = {
  id: 'orpheus-lab:sessions',
  description: 'Create Claude sessions and keep their terminal tabs right across reloads.',
  autoStart: true,
  requires: [IOrpheusAccount],
  optional: [ITerminalTracker, IOrpheusAI, IStateDB],
  provides: IOrpheusSessions,
  activate: (
    app: JupyterFrontEnd,
    account: IOrpheusAccount,
    terminals: ITerminalTracker | null,
    ai: IOrpheusAI | null,
    state: IStateDB | null
  ): IOrpheusSessions => {
    const service = new SessionService(app, account, ai);
    app.commands.addCommand(CommandIDs.newSession, {
      label: args => (args.isLauncher ? 'Claude session' : 'New Claude Session…') + (ai?.offMessage ? ' (AI off)' : ''),
      caption: () =>
        ai?.offMessage
          ? `AI off: ${ai.offMessage} A session still starts a terminal in the project folder.`
          : 'Start Claude in a project folder, with files you upload, in a terminal',
      icon: claudeIcon,
      execute: () => service.newSession()
    });
    if (terminals) {
      const tabs = new SessionTabs(app, terminals, state);
      void app.restored.then(() => tabs.restore());
    }
    return service;
  }
};
