import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Terminal } from '@jupyterlab/terminal';
import { terminalIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { ISession } from './api';

/** Widgets we opened, by terminal name, so a second "open" reveals the first. */
const opened = new Map<string, MainAreaWidget<Terminal>>();

/**
 * Open a session's named terminal as a main-area widget: Lab's standard
 * terminal widget connected to `/terminals/websocket/<name>`.
 */
export function openSessionTerminal(app: JupyterFrontEnd, session: ISession): Widget {
  const name = session.terminal;
  if (!name) {
    throw new Error(`Session "${session.title}" has no running terminal; resume it first.`);
  }
  const existing = opened.get(name);
  if (existing && !existing.isDisposed) {
    app.shell.activateById(existing.id);
    return existing;
  }
  const connection = app.serviceManager.terminals.connectTo({ model: { name } });
  const content = new Terminal(connection, { initialCommand: '', closeOnExit: false });
  const widget = new MainAreaWidget({ content });
  widget.id = `orpheus-terminal-${name}`;
  widget.title.label = session.title || name;
  widget.title.caption = `Claude session "${session.title}" in project ${session.project} (terminal ${name})`;
  widget.title.icon = terminalIcon;
  widget.title.closable = true;
  widget.addClass('orpheus-SessionTerminal');
  widget.node.dataset.orpheusSession = session.id;
  // Closing the tab only disconnects; the session keeps running on the server.
  widget.disposed.connect(() => {
    opened.delete(name);
  });
  opened.set(name, widget);
  app.shell.add(widget, 'main');
  app.shell.activateById(widget.id);
  return widget;
}

/** Keep an open terminal tab's label in step with a renamed session. */
export function retitleTerminal(session: ISession): void {
  const widget = session.terminal ? opened.get(session.terminal) : undefined;
  if (widget && !widget.isDisposed) {
    widget.title.label = session.title;
  }
}
