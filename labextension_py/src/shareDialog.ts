import { Clipboard, Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { api, IShare, shareApi } from './api';
import { h, iconButton, timeLabel } from './dom';
import { DEFAULT_EXPIRY, describeExpiry, EXPIRY_CHOICES } from './logic/expiry';
import { LIVE_LABEL, liveSessionId, shareRequest, SNAPSHOT_LABEL } from './logic/liveShare';
import { when } from './logic/words';
import { notifyError } from './notify';

let counter = 0;

/** Title and expiry of a new link. */
class ShareForm extends Widget {
  private _title: HTMLInputElement;
  private _expiry: HTMLSelectElement;
  private _what: HTMLSelectElement | null = null;

  constructor(kind: string, target: string, title: string, canLive = false) {
    super();
    this.addClass('orpheus-ShareForm');
    const uid = `orpheus-share-${++counter}`;
    this._title = h('input', {
      id: `${uid}-title`,
      className: 'jp-mod-styled',
      type: 'text',
      maxlength: 300
    }) as HTMLInputElement;
    this._title.value = title;
    this._expiry = h('select', { id: `${uid}-expiry`, className: 'jp-mod-styled' }) as HTMLSelectElement;
    EXPIRY_CHOICES.forEach((c, i) =>
      this._expiry.appendChild(new Option(c.label, String(i), false, i === DEFAULT_EXPIRY))
    );
    this.node.append(
      h(
        'p',
        {},
        canLive
          ? `Anyone with the link can view this ${kind} (${target}), read-only: a snapshot as it is now, or live while it runs.`
          : `Anyone with the link can view a read-only snapshot of this ${kind} (${target}) as it is now.`
      ),
      h('div', { className: 'orpheus-Field' }, h('label', { for: this._title.id }, 'Title'), this._title),
      h('div', { className: 'orpheus-Field' }, h('label', { for: this._expiry.id }, 'Link expires after'), this._expiry)
    );
    if (canLive) {
      this.node.append(this._liveChoice(uid));
    }
  }

  /** Snapshot or live, for a running session. */
  private _liveChoice(uid: string): HTMLElement {
    const select = h('select', { id: `${uid}-what`, className: 'jp-mod-styled' }) as HTMLSelectElement;
    select.append(new Option(SNAPSHOT_LABEL, 'snapshot', true, true), new Option(LIVE_LABEL, 'live'));
    this._what = select;
    return h('div', { className: 'orpheus-Field' }, h('label', { for: select.id }, 'Viewers see'), select);
  }

  getValue(): { title: string; expiresIn: number | null; live: boolean } {
    return {
      title: this._title.value.trim(),
      expiresIn: EXPIRY_CHOICES[Number(this._expiry.value)].seconds,
      live: this._what?.value === 'live'
    };
  }
}

/** The new link, with a copy button; shown once (the service keeps only a hash). */
class ShareResult extends Widget {
  constructor(share: IShare) {
    super();
    this.addClass('orpheus-ShareResult');
    const url = share.url ?? '';
    const input = h('input', {
      className: 'jp-mod-styled orpheus-ShareResult-url',
      type: 'text',
      readonly: true,
      'aria-label': 'Share link'
    }) as HTMLInputElement;
    input.value = url;
    const copy = h(
      'button',
      {
        type: 'button',
        className: 'jp-Button jp-mod-styled jp-mod-accept orpheus-CopyLink',
        onclick: () => {
          Clipboard.copyToSystem(url);
          copy.textContent = 'Copied';
          Notification.info('Link copied to the clipboard.', { autoClose: 2500 });
        }
      },
      'Copy link'
    );
    this.node.append(
      h('p', {}, `Link to "${share.title}", ${describeExpiry(share.expires_at)}. It is shown only now; copy it.`),
      h('div', { className: 'orpheus-ShareResult-row' }, input, copy),
      h('h3', {}, 'My shares'),
      new SharesList().node
    );
  }
}

/** The user's live links, each with Revoke. */
export class SharesList extends Widget {
  constructor() {
    super();
    this.addClass('orpheus-SharesList');
    this.node.setAttribute('aria-live', 'polite');
    void this.refresh();
  }

  async refresh(): Promise<void> {
    let shares: IShare[];
    try {
      shares = await shareApi.list();
    } catch (error) {
      this.node.replaceChildren(h('p', { className: 'orpheus-Error' }, (error as Error).message));
      return;
    }
    if (!shares.length) {
      this.node.replaceChildren(h('p', { className: 'orpheus-Muted' }, 'No live share links.'));
      return;
    }
    this.node.replaceChildren(
      h(
        'ul',
        { className: 'orpheus-Rows', 'aria-label': 'My shares' },
        ...shares.map(s =>
          h(
            'li',
            { className: 'orpheus-Row', 'data-share': s.id },
            h(
              'span',
              { className: 'orpheus-Row-main' },
              h(
                'span',
                { className: 'orpheus-Row-label orpheus-Clip', title: `${s.title} (${s.target})` },
                `${s.title}`
              ),
              h(
                'span',
                { className: 'orpheus-Muted' },
                `${s.kind} · created `,
                timeLabel(s.created_at, ''),
                ' · ',
                h('span', { title: s.expires_at ? when(s.expires_at).full : '' }, describeExpiry(s.expires_at))
              )
            ),
            iconButton(`Revoke the link to ${s.title}`, 'Revoke', () => void this._revoke(s))
          )
        )
      )
    );
  }

  private async _revoke(share: IShare): Promise<void> {
    try {
      await shareApi.revoke(share.id);
      Notification.success(`The link to "${share.title}" no longer works.`, { autoClose: 3000 });
    } catch (error) {
      notifyError(error, 'Could not revoke the link');
    }
    await this.refresh();
  }
}

/** Ask for title and expiry, create the link, show it with Copy and the list of shares. */
export async function shareTarget(kind: string, target: string, title: string): Promise<IShare | null> {
  const liveId = kind === 'session' ? await runningSession(kind, target) : null;
  const form = await showDialog({
    title: `Share ${kind}`,
    body: new ShareForm(kind, target, title, liveId !== null),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Create link', ariaLabel: 'Create a public link' })],
    focusNodeSelector: 'select'
  });
  if (!form.button.accept || !form.value) {
    return null;
  }
  let share: IShare;
  try {
    const what = shareRequest(kind, target, liveId, form.value.live);
    share = await shareApi.create(what.kind, what.target, form.value.title, form.value.expiresIn);
  } catch (error) {
    notifyError(error, 'Could not create the link');
    return null;
  }
  await showDialog({
    title: 'Share link',
    body: new ShareResult(share),
    buttons: [Dialog.okButton({ label: 'Done' })]
  });
  return share;
}

/** The id of the running session whose folder is `target`, or null (then only a snapshot). */
async function runningSession(kind: string, target: string): Promise<string | null> {
  try {
    return liveSessionId(kind, target, await api.listSessions());
  } catch {
    return null;
  }
}

/** The "My shares" dialog (command palette and panel header). */
export async function showMyShares(): Promise<void> {
  await showDialog({ title: 'My shares', body: new SharesList(), buttons: [Dialog.okButton({ label: 'Close' })] });
}
