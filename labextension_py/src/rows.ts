/** Building blocks of the side panel's sections and rows. */

import { h } from './dom';

/** A titled section with header buttons and a list of rows (or a line saying it is empty). */
export function section(title: string, buttons: HTMLElement[], rows: HTMLElement[], empty: string): HTMLElement {
  return h(
    'section',
    { className: 'orpheus-Section', 'aria-label': title },
    h('div', { className: 'orpheus-Section-header' }, h('h3', {}, title), ...buttons),
    rows.length
      ? h('ul', { className: 'orpheus-Rows', 'aria-label': title }, ...rows)
      : h('p', { className: 'orpheus-Muted orpheus-Empty' }, empty)
  );
}

/** A row's buttons: always there for the keyboard; in a narrow panel shown on hover or focus. */
export function actions(...buttons: (HTMLElement | null)[]): HTMLElement {
  return h('span', { className: 'orpheus-Row-actions' }, ...buttons);
}

/** Start a browser download of a same-origin URL (cookie auth). */
export function download(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Let the user choose files with the browser's picker. */
export function pickFiles(): Promise<File[]> {
  return new Promise(resolve => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.addEventListener('change', () => resolve(Array.from(input.files ?? [])));
    input.addEventListener('cancel', () => resolve([]));
    input.click();
  });
}
