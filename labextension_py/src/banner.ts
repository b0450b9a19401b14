import { Widget } from '@lumino/widgets';

import { formatTimeLeft, ITrialState, trialState } from './logic/timeleft';
import { requestAPI } from './request';

/** What `GET /orpheus/api/info` answers. */
export interface IInfo {
  version: string;
  user: string | null;
  account: Record<string, unknown> | null;
}

/**
 * A slim banner with the trial's time left; hidden for approved users and
 * off-hub servers. Re-reads the account every 10 minutes, ticks every 30 s.
 */
export class TrialBanner extends Widget {
  private _state: ITrialState = { isTrial: false, msLeft: null };
  private _fetchedAt = 0;
  private _tick: number | undefined;
  private _text: HTMLSpanElement;

  constructor() {
    super();
    this.id = 'orpheus-trial-banner';
    this.addClass('orpheus-TrialBanner');
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    this.node.setAttribute('aria-label', 'Orpheus trial');
    this._text = document.createElement('span');
    this.node.appendChild(this._text);
    this.hide();
  }

  /** Fetch `/info` now and start ticking. */
  async start(): Promise<IInfo | null> {
    const info = await this.refresh();
    this._tick = window.setInterval(() => void this._onTick(), 30000);
    return info;
  }

  async refresh(): Promise<IInfo | null> {
    let info: IInfo;
    try {
      info = await requestAPI<IInfo>('info');
    } catch {
      return null; // no banner rather than a broken one; panels report their own errors
    }
    this._state = trialState(info.account);
    this._fetchedAt = Date.now();
    this.render();
    return info;
  }

  dispose(): void {
    window.clearInterval(this._tick);
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

  private async _onTick(): Promise<void> {
    if (Date.now() - this._fetchedAt > 600000) {
      await this.refresh();
    } else {
      this.render();
    }
  }
}
