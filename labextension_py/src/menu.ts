/** A "More actions" button opening a small menu (a Lumino menu: role menu, items role menuitem). */

import { CommandRegistry } from '@lumino/commands';
import { Menu } from '@lumino/widgets';
import { ellipsesIcon } from '@jupyterlab/ui-components';

import { iconButton } from './dom';

export interface IMenuItem {
  label: string;
  run: () => unknown;
}

/** A button named `label` that opens `items` under itself. */
export function menuButton(label: string, items: IMenuItem[]): HTMLElement {
  const button = iconButton(label, ellipsesIcon, () => {
    const commands = new CommandRegistry();
    const menu = new Menu({ commands });
    menu.addClass('orpheus-Menu');
    items.forEach((item, i) => {
      const id = `orpheus-menu:${i}`;
      commands.addCommand(id, { label: item.label, execute: () => void item.run() });
      menu.addItem({ command: id });
    });
    menu.aboutToClose.connect(() => {
      button.setAttribute('aria-expanded', 'false');
      window.setTimeout(() => menu.dispose(), 0);
    });
    const box = button.getBoundingClientRect();
    button.setAttribute('aria-expanded', 'true');
    menu.open(box.left, box.bottom);
    menu.activeIndex = 0;
  });
  button.setAttribute('aria-haspopup', 'menu');
  button.setAttribute('aria-expanded', 'false');
  return button;
}
