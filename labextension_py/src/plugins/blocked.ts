import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';

import { AccountGuard } from '../blocked';
import { shouldCheckAccount } from '../logic/account';
import { installAccountCheck } from '../request';

/**
 * The blocked-account dialog: Orpheus requests that fail with 401/403/424/502/503
 * or a non-JSON answer, Jupyter's own service failures (kernels, sessions,
 * terminals, contents polling) and dead kernels ask the hub about the account;
 * a blocked or signed-out account gets one dialog with the reason.
 */
export const blockedPlugin: JupyterFrontEndPlugin<void> = {
  id: 'orpheus-lab:blocked',
  description: 'Explain a revoked, expired, pending or signed-out account in one dialog.',
  autoStart: true,
  optional: [INotebookTracker],
  activate: (app: JupyterFrontEnd, notebooks: INotebookTracker | null) => {
    const guard = new AccountGuard();
    installAccountCheck(() => guard.check());
    app.serviceManager.connectionFailure.connect((_, error) => {
      if (isSuspect(error)) {
        void guard.check();
      }
    });
    notebooks?.widgetAdded.connect((_, panel) => {
      panel.sessionContext.statusChanged.connect((_, status) => {
        if (status === 'dead') {
          void guard.check();
        }
      });
    });
  }
};

/** A Jupyter service failure that a stopped or signed-out account would cause. */
function isSuspect(error: Error): boolean {
  if (error instanceof ServerConnection.ResponseError) {
    return shouldCheckAccount(error.response.status);
  }
  return error instanceof ServerConnection.NetworkError;
}
