/**
 * Session terminal tabs across reloads and server restarts. Lab restores a
 * terminal tab by name, and after a server restart that makes a plain shell
 * under the session terminal's name (or nothing, when the server refuses
 * such names). After the layout is restored, each session tab is checked
 * against the session API: the session's own running terminal is kept
 * (reattached); otherwise the stray shell is shut down and the tab becomes a
 * "Session ended: Resume" placeholder.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { IStateDB } from '@jupyterlab/statedb';
import { ITerminalTracker } from '@jupyterlab/terminal';
import { Widget } from '@lumino/widgets';

import { api, ISession } from './api';
import { restoreAction, sessionIdOfTerminal } from './logic/sessionTerminal';
import { fetchSession } from './sessionApi';
import { markSessionTerminal, openSessionTerminal, TerminalWidget } from './terminal';

const STATE_KEY = 'orpheus-lab:session-tabs';

/** The placeholder of an ended session: what happened, and Resume. */
export class SessionEndedView extends Widget {
  private _button: HTMLButtonElement;
  private _error: HTMLElement;

  constructor(
    readonly session: ISession,
    private _resume: () => Promise<void>
  ) {
    super();
    this.addClass('orpheus-SessionEnded');
    const title = session.title || `Session ${session.id}`;
    // MainAreaWidget names its content node "main area content": the region is a section inside.
    const region = document.createElement('section');
    region.className = 'orpheus-SessionEnded-body';
    region.setAttribute('aria-label', `Session ended: ${title}`);
    region.dataset.orpheusSession = session.id;
    const heading = document.createElement('h2');
    heading.textContent = 'Session ended';
    const text = document.createElement('p');
    text.textContent =
      `The terminal of “${title}” (project ${session.project}) is no longer running: ` +
      'the server restarted or the session was stopped. Resume it to continue in the same folder.';
    this._button = document.createElement('button');
    this._button.type = 'button';
    this._button.className = 'jp-Button jp-mod-styled jp-mod-accept';
    this._button.textContent = 'Resume';
    this._button.setAttribute('aria-label', `Resume session ${title}`);
    this._button.addEventListener('click', () => void this.resume());
    this._error = document.createElement('p');
    this._error.className = 'orpheus-FormError';
    this._error.setAttribute('role', 'alert');
    region.append(heading, text, this._button, this._error);
    this.node.appendChild(region);
  }

  /** Resume the session (its error, if any, shown here; the button stays for another try). */
  async resume(): Promise<void> {
    this._button.disabled = true;
    this._button.textContent = 'Resuming…';
    this._error.textContent = '';
    try {
      await this._resume();
    } catch (error) {
      this._error.textContent = error instanceof Error ? error.message : String(error);
      this._button.disabled = false;
      this._button.textContent = 'Resume';
    }
  }
}

/** Keeps session terminal tabs right: remembers them, checks them after a restore, marks new ones. */
export class SessionTabs {
  private _ready = false;
  private _placeholders = new Map<string, MainAreaWidget<SessionEndedView>>();

  constructor(
    private _app: JupyterFrontEnd,
    private _tracker: ITerminalTracker,
    private _state: IStateDB | null
  ) {}

  /** After the layout restore: check every session tab (restored or remembered), then follow changes. */
  async restore(): Promise<void> {
    const saved = await this._load();
    const restored = new Map<string, TerminalWidget>();
    this._tracker.forEach(w => {
      if (sessionIdOfTerminal(w.content.session.name)) {
        restored.set(w.content.session.name, w);
      }
    });
    const missing = saved.filter(name => !restored.has(name) && sessionIdOfTerminal(name));
    await Promise.all([
      ...Array.from(restored, ([name, widget]) => this._check(name, widget)),
      ...missing.map(name => this._check(name, null))
    ]);
    this._tracker.widgetAdded.connect((_, widget) => this._follow(widget));
    this._tracker.forEach(w => w.disposed.connect(() => void this._save()));
    this._ready = true;
    await this._save();
  }

  /** One session tab: reattach, replace by the placeholder, or close when the session is gone. */
  private async _check(name: string, widget: TerminalWidget | null): Promise<void> {
    const id = sessionIdOfTerminal(name)!;
    const { session, status } = await fetchSession(id);
    const action = restoreAction(name, session, status);
    if (action === 'reattach' && session) {
      if (widget) {
        markSessionTerminal(widget, session);
      } else {
        await openSessionTerminal(this._app, session).catch(() => undefined);
      }
    } else if (action === 'ended' && session) {
      this._showEnded(session, name, widget);
      await this._discard(widget);
    } else if (action === 'gone') {
      await this._discard(widget);
    }
  }

  /** Shut down the plain shell a restore made under a session terminal's name, and close its tab. */
  private async _discard(widget: TerminalWidget | null): Promise<void> {
    if (!widget) {
      return;
    }
    await widget.content.session.shutdown().catch(() => undefined);
    widget.dispose();
  }

  /** The "Session ended" tab, where the terminal tab was (or at the end when there was none). */
  private _showEnded(session: ISession, name: string, where: TerminalWidget | null): void {
    if (this._placeholders.has(name)) {
      return;
    }
    const view = new SessionEndedView(session, () => this._resume(session, name));
    const widget = new MainAreaWidget({ content: view });
    widget.id = `orpheus-session-ended-${session.id}`;
    widget.title.label = session.title || `Session ${session.id}`;
    widget.title.caption = `Session "${session.title}" ended: resume it to continue`;
    widget.title.closable = true;
    widget.addClass('orpheus-SessionEndedTab');
    const wasCurrent = !!where && this._app.shell.currentWidget === where;
    this._app.shell.add(widget, 'main', where ? { ref: where.id, mode: 'tab-after' } : { activate: false });
    if (wasCurrent) {
      this._app.shell.activateById(widget.id);
    }
    this._placeholders.set(name, widget);
    widget.disposed.connect(() => {
      this._placeholders.delete(name);
      void this._save();
    });
  }

  /** Resume, open the session's terminal where the placeholder is, close the placeholder. */
  private async _resume(session: ISession, name: string): Promise<void> {
    const resumed = await api.resumeSession(session.id);
    const terminal = await openSessionTerminal(this._app, resumed);
    const placeholder = this._placeholders.get(name);
    if (placeholder) {
      this._app.shell.add(terminal, 'main', { ref: placeholder.id, mode: 'tab-after' });
      this._app.shell.activateById(terminal.id);
      placeholder.dispose();
    }
  }

  /** A terminal opened later (Running panel, a command): mark it when it is a session's own. */
  private _follow(widget: TerminalWidget): void {
    widget.disposed.connect(() => void this._save());
    void this._save();
    const name = widget.content.session.name;
    const id = sessionIdOfTerminal(name);
    if (!id) {
      return;
    }
    void fetchSession(id).then(({ session, status }) => {
      if (session && restoreAction(name, session, status) === 'reattach') {
        markSessionTerminal(widget, session);
      }
    });
  }

  private async _load(): Promise<string[]> {
    const value = this._state ? await this._state.fetch(STATE_KEY).catch(() => null) : null;
    const tabs = value && typeof value === 'object' ? (value as { tabs?: unknown }).tabs : null;
    return Array.isArray(tabs) ? tabs.filter((t): t is string => typeof t === 'string') : [];
  }

  /** Remember the open session tabs (terminals and placeholders) for the next restore. */
  private async _save(): Promise<void> {
    if (!this._ready || !this._state) {
      return;
    }
    const tabs = new Set<string>(this._placeholders.keys());
    this._tracker.forEach(w => {
      if (!w.isDisposed && sessionIdOfTerminal(w.content.session.name)) {
        tabs.add(w.content.session.name);
      }
    });
    await this._state.save(STATE_KEY, { tabs: [...tabs] }).catch(() => undefined);
  }
}
