import { Dialog, showDialog } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';

import { when } from './logic/words';

/** A tiny DOM builder for the panels (no framework needed for lists of rows). */

type Attrs = Record<string, string | boolean | number | undefined | ((ev: Event) => void)>;

export function h(
  tag: string,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) {
      continue;
    }
    if (typeof value === 'function') {
      el.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    } else if (key === 'className') {
      el.className = String(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child);
    }
  }
  return el;
}

/**
 * A small button with an accessible name: a JupyterLab icon (themed, no font
 * glyphs) or, given a string, a short visible text.
 */
export function iconButton(label: string, icon: LabIcon | string, onClick: () => void, extra = ''): HTMLElement {
  const face =
    typeof icon === 'string'
      ? h('span', {}, icon)
      : icon.element({ tag: 'span', className: 'orpheus-IconButton-icon', elementSize: 'normal' });
  face.setAttribute('aria-hidden', 'true');
  return h(
    'button',
    {
      type: 'button',
      className:
        `jp-Button jp-mod-minimal orpheus-IconButton ${typeof icon === 'string' ? 'orpheus-TextButton' : ''} ${extra}`.trim(),
      'aria-label': label,
      title: label,
      onclick: (ev: Event) => {
        ev.stopPropagation();
        onClick();
      }
    },
    face
  );
}

/** A one-line text that ellipsizes when cut, with the whole text as its tooltip. */
export function clip(text: string, className = 'orpheus-Row-label'): HTMLElement {
  return h('span', { className: `${className} orpheus-Clip`, title: text }, text);
}

/** "3 min ago" as a `<time>` with the full date and time as its tooltip (empty when unreadable). */
export function timeLabel(iso: string | null | undefined, className = 'orpheus-Muted'): HTMLElement {
  const t = when(iso);
  return h('time', { className, datetime: iso ?? undefined, title: t.full || undefined }, t.text);
}

/** Ask before something that cannot be undone; true when the user confirmed. */
export async function confirmAction(title: string, body: string, okLabel: string): Promise<boolean> {
  const result = await showDialog({
    title,
    body,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: okLabel, ariaLabel: okLabel })]
  });
  return result.button.accept;
}
