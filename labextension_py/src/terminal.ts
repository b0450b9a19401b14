import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ITerminal, Terminal } from '@jupyterlab/terminal';
import { terminalIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { ISession } from './api';

export type TerminalWidget = MainAreaWidget<ITerminal.ITerminal>;

/**
 * Open a session's named terminal as a main-area widget: Lab's standard
 * terminal widget on `/terminals/websocket/<name>`. Through Lab's own
 * `terminal:open` command when it is there (so the user's terminal settings,
 * theme and layout restoration apply), else built here the same way.
 */
export async function openSessionTerminal(app: JupyterFrontEnd, session: ISession): Promise<TerminalWidget> {
  const name = session.terminal;
  if (!name) {
    throw new Error(`Session "${session.title}" has no running terminal; resume it first.`);
  }
  let widget: TerminalWidget;
  if (app.commands.hasCommand('terminal:open')) {
    widget = (await app.commands.execute('terminal:open', { name })) as TerminalWidget;
  } else {
    const connection = app.serviceManager.terminals.connectTo({ model: { name } });
    widget = new MainAreaWidget({ content: new Terminal(connection, { initialCommand: '' }) });
    widget.id = `orpheus-terminal-${name}`;
    widget.title.icon = terminalIcon;
    widget.title.closable = true;
    app.shell.add(widget, 'main');
  }
  markSessionTerminal(widget, session);
  app.shell.activateById(widget.id);
  return widget;
}

/** The label each session terminal keeps (Lab's widget renames itself "Terminal <n>" on connecting). */
const wanted = new WeakMap<Widget, string>();

export function label(widget: TerminalWidget, session: ISession): void {
  const content = widget.content;
  const first = !wanted.has(content);
  wanted.set(content, session.title || `Session ${session.id}`);
  content.title.caption = `Claude session "${session.title}" in project ${session.project} (terminal ${session.terminal})`;
  content.title.label = wanted.get(content)!;
  if (first) {
    content.title.changed.connect(() => {
      const label = wanted.get(content);
      if (label && content.title.label !== label) {
        content.title.label = label;
      }
    });
  }
}

/** Keep an open terminal tab's label in step with a renamed session. */
export function retitleTerminal(app: JupyterFrontEnd, session: ISession): void {
  for (const widget of app.shell.widgets('main')) {
    if (widget.node.dataset.orpheusSession === session.id && widget instanceof MainAreaWidget) {
      wanted.set(widget.content, session.title);
      widget.content.title.label = session.title;
    }
  }
}

/** Mark a terminal tab as the session's own: its title, class and `data-orpheus-session`. */
export function markSessionTerminal(widget: TerminalWidget, session: ISession): void {
  label(widget, session);
  widget.addClass('orpheus-SessionTerminal');
  widget.node.dataset.orpheusSession = session.id;
}
