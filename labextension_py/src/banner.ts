import { Widget } from '@lumino/widgets';

import { formatTimeLeft, ITrialState, trialState } from './logic/timeleft';
import { IOrpheusAccount } from './tokens';

/** What `GET /orpheus/api/info` answers. */
export interface IInfo {
  version: string;
  user: string | null;
  account: Record<string, unknown> | null;
}

/**
 * A slim banner with the trial's time left; hidden for approved users and
 * off-hub servers. Follows the account service (every answer re-renders it,
 * so an extension or an approval shows without a reload) and ticks every 30 s.
 */
export class TrialBanner extends Widget {
  private _state: ITrialState = { isTrial: false, msLeft: null };
  private _fetchedAt = 0;
  private _tick: number | undefined;
  private _text: HTMLSpanElement;

  constructor(private _account: IOrpheusAccount) {
    super();
    this.id = 'orpheus-trial-banner';
    this.addClass('orpheus-TrialBanner');
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    this.node.setAttribute('aria-label', 'Orpheus trial');
    this._text = document.createElement('span');
    this.node.appendChild(this._text);
    this.hide();
    _account.changed.connect(this._onInfo, this);
    if (_account.info) {
      this._onInfo(_account, _account.info);
    }
    this._tick = window.setInterval(() => this.render(), 30000);
  }

  dispose(): void {
    window.clearInterval(this._tick);
    this._account.changed.disconnect(this._onInfo, this);
    super.dispose();
  }

  render(): void {
    const { isTrial, msLeft } = this._state;
    if (!isTrial) {
      this.hide();
      return;
    }
    const left = msLeft === null ? null : msLeft - (Date.now() - this._fetchedAt);
    const ended = left !== null && left <= 0;
    this._text.textContent = ended
      ? 'Your Orpheus trial has ended: an administrator must approve your account.'
      : `Orpheus trial: ${formatTimeLeft(left)}.`;
    this.node.classList.toggle('orpheus-mod-ending', left !== null && left < 3600000);
    this.show();
  }

  /** A new `/info` answer (a failed fetch keeps what is shown: no banner flicker). */
  private _onInfo(_: IOrpheusAccount, info: IInfo | null): void {
    if (!info) {
      return;
    }
    this._state = trialState(info.account);
    this._fetchedAt = Date.now();
    this.render();
  }
}
