import { Signal } from '@lumino/signaling';

import { IInfo } from './banner';
import { requestAPI } from './request';
import { IOrpheusAccount } from './tokens';

/** The account service: `/orpheus/api/info`, fetched on demand, shared by the plugins. */
export class AccountInfo implements IOrpheusAccount {
  readonly ready: Promise<IInfo | null>;
  private _info: IInfo | null = null;
  private _changed = new Signal<IOrpheusAccount, IInfo | null>(this);
  private _pending: Promise<IInfo | null> | null = null;

  constructor() {
    this.ready = this.refresh();
  }

  get info(): IInfo | null {
    return this._info;
  }

  get changed(): Signal<IOrpheusAccount, IInfo | null> {
    return this._changed;
  }

  /** Ask `/info` again (concurrent calls share one request); null when the server cannot say. */
  refresh(): Promise<IInfo | null> {
    if (!this._pending) {
      this._pending = requestAPI<IInfo>('info')
        .catch(() => null)
        .then(info => {
          this._pending = null;
          if (info) {
            this._info = info;
          }
          this._changed.emit(info);
          return info;
        });
    }
    return this._pending;
  }

  mayOpenShells(): boolean {
    const account = this._info?.account ?? {};
    const groups = Array.isArray(account.groups) ? (account.groups as unknown[]) : [];
    return account.may_open_shells === true || groups.includes('shell');
  }
}
