/** A dialog with labelled text fields (URL, branch, ...) whose values come back by key. */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { h } from './dom';

export interface IField {
  key: string;
  label: string;
  placeholder?: string;
  type?: string;
  required?: boolean;
  help?: string;
}

let counter = 0;

class FormBody extends Widget {
  private _inputs = new Map<string, HTMLInputElement>();

  constructor(intro: string, fields: IField[]) {
    super();
    this.addClass('orpheus-Form');
    const uid = `orpheus-form-${++counter}`;
    if (intro) {
      this.node.append(h('p', { className: 'orpheus-Form-intro' }, intro));
    }
    for (const f of fields) {
      const input = h('input', {
        id: `${uid}-${f.key}`,
        className: 'jp-mod-styled',
        type: f.type ?? 'text',
        placeholder: f.placeholder,
        required: f.required,
        'aria-describedby': f.help ? `${uid}-${f.key}-help` : undefined
      }) as HTMLInputElement;
      this._inputs.set(f.key, input);
      this.node.append(
        h(
          'div',
          { className: 'orpheus-Field' },
          h('label', { for: input.id }, f.label),
          input,
          f.help ? h('span', { id: `${uid}-${f.key}-help`, className: 'orpheus-Muted orpheus-Wrap' }, f.help) : null
        )
      );
    }
  }

  getValue(): Record<string, string> {
    return Object.fromEntries([...this._inputs].map(([k, input]) => [k, input.value.trim()]));
  }

  /** Focus the first field when the dialog opens. */
  onAfterAttach(): void {
    this._inputs.values().next().value?.focus();
  }
}

/** Show the form; the trimmed values by key, or null when cancelled (or a required field is empty). */
export async function askForm(
  title: string,
  intro: string,
  fields: IField[],
  okLabel: string
): Promise<Record<string, string> | null> {
  const result = await showDialog({
    title,
    body: new FormBody(intro, fields),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: okLabel, ariaLabel: okLabel })],
    focusNodeSelector: 'input'
  });
  if (!result.button.accept || !result.value) {
    return null;
  }
  const values = result.value;
  return fields.every(f => !f.required || values[f.key]) ? values : null;
}
