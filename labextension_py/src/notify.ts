import { Notification } from '@jupyterlab/apputils';

import { OrpheusError } from './request';

/**
 * Show a failure as a Lab notification. A server error's message is shown as
 * it is; only failures that are not server answers get the `what` context.
 * Failures of a blocked account are left to the blocked-account dialog.
 */
export function notifyError(error: unknown, what?: string): void {
  if (error instanceof OrpheusError && error.account) {
    return; // a blocked account: its one dialog says why, not a toast per request
  }
  const message = error instanceof Error ? error.message : String(error);
  const text = error instanceof OrpheusError || !what ? message : `${what}: ${message}`;
  Notification.error(text, { autoClose: 10000 });
}
