/**
 * A dialog that stays open while its form is submitted: the accept button
 * runs `submit(value)`; a refusal is shown inside the dialog (role "alert")
 * with everything the user typed still there, and only success closes it.
 */

import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { OrpheusError } from './request';

/** A form body: its value, and where the dialog shows a refusal. */
export interface ISubmitBody<T> extends Widget {
  getValue(): T;
  showError(message: string): void;
}

export interface ISubmitOptions<T, R> {
  title: string;
  body: ISubmitBody<T>;
  acceptLabel: string;
  acceptAriaLabel?: string;
  /** Send the form; its rejection's message is shown in the dialog. */
  submit: (value: T) => Promise<R>;
  focusNodeSelector?: string;
}

class SubmitDialog<T, R> extends Dialog<T> {
  result: R | undefined;
  private _busy = false;

  constructor(
    private _opts: ISubmitOptions<T, R>,
    private _buttonList: Dialog.IButton[]
  ) {
    super({
      title: _opts.title,
      body: _opts.body,
      buttons: _buttonList,
      defaultButton: _buttonList.length - 1,
      focusNodeSelector: _opts.focusNodeSelector
    });
  }

  resolve(index?: number): void {
    const i = index ?? this._buttonList.length - 1;
    const button = this._buttonList[i];
    if (this._busy) {
      return;
    }
    if (!button?.accept) {
      super.resolve(i);
      return;
    }
    if (this.node.querySelector(':invalid')) {
      return; // Lab's own validation: the accept button is disabled for it too
    }
    void this._submit(i);
  }

  private async _submit(index: number): Promise<void> {
    this._setBusy(true);
    this._opts.body.showError('');
    try {
      this.result = await this._opts.submit(this._opts.body.getValue());
    } catch (error) {
      this._setBusy(false);
      if (error instanceof OrpheusError && error.account) {
        super.resolve(0); // a blocked account: its own dialog explains, this one goes away
        return;
      }
      this._opts.body.showError(error instanceof Error ? error.message : String(error));
      return;
    }
    this._setBusy(false);
    super.resolve(index);
  }

  private _setBusy(busy: boolean): void {
    this._busy = busy;
    this.node.setAttribute('aria-busy', String(busy));
    for (const el of Array.from(this.node.querySelectorAll<HTMLButtonElement>('.jp-Dialog-button'))) {
      el.disabled = busy;
    }
  }
}

/** Show the dialog; resolves with `submit`'s result, or null when cancelled. */
export async function showSubmitDialog<T, R>(opts: ISubmitOptions<T, R>): Promise<R | null> {
  const buttons = [
    Dialog.cancelButton(),
    Dialog.okButton({ label: opts.acceptLabel, ariaLabel: opts.acceptAriaLabel ?? opts.acceptLabel })
  ];
  const dialog = new SubmitDialog<T, R>(opts, buttons);
  const answer = await dialog.launch();
  const result = answer.button.accept ? (dialog.result ?? null) : null;
  dialog.dispose();
  return result;
}
