/**
 * "Ask Claude to analyze": the Claude data analyst of a project in a Lab panel.
 * A request box, the run's log as it streams (status, Claude's words, its tool
 * calls and their results, errors), then links to the dashboards and the
 * notebook it made, and the specs the server refused. When AI is off here,
 * the server's message takes the form's place, as in the other AI features.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { aiOffNote } from './ai';
import { llmStatus } from './api';
import { openDashboardPanel } from './dashboards';
import { h } from './dom';
import { dataIcon } from './icons';
import { analystStream, asRun, fromRun, IAnalystState, ILogEntry } from './logic/analyst';
import { notifyError } from './notify';
import { requestAPI, streamAPI } from './request';

function endPoint(project: string): string {
  return `projects/${encodeURIComponent(project)}/analyst`;
}

export class AnalystPanel extends Widget {
  private _state: IAnalystState | null = null;
  private _form: HTMLFormElement;
  private _input: HTMLTextAreaElement;
  private _ask: HTMLButtonElement;
  private _cancel: HTMLButtonElement;
  private _outputs = h('section', { className: 'orpheus-Analyst-outputs', 'aria-label': 'What Claude made' });
  private _log = h('ol', {
    className: 'orpheus-Analyst-log',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': 'Run log'
  });
  private _abort: AbortController | null = null;

  constructor(
    private _app: JupyterFrontEnd,
    readonly project: string,
    private _onDone: () => void = () => undefined
  ) {
    super();
    this.addClass('orpheus-Analyst');
    this._input = h('textarea', {
      className: 'orpheus-Analyst-input',
      rows: 3,
      'aria-label': 'What should Claude analyze?',
      placeholder: 'What should Claude look into? (it starts from the analysis of the data files)'
    }) as HTMLTextAreaElement;
    this._ask = h(
      'button',
      { type: 'submit', className: 'jp-Button jp-mod-styled jp-mod-accept' },
      'Ask Claude to analyze'
    ) as HTMLButtonElement;
    this._cancel = h(
      'button',
      {
        type: 'button',
        className: 'jp-Button jp-mod-styled jp-mod-warn',
        disabled: true,
        onclick: () => void this.cancel()
      },
      'Cancel'
    ) as HTMLButtonElement;
    this._form = h(
      'form',
      {
        className: 'orpheus-Analyst-form',
        'aria-label': 'Ask Claude',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          void this.ask();
        }
      },
      this._input,
      h('div', { className: 'orpheus-Analyst-buttons' }, this._ask, this._cancel)
    ) as HTMLFormElement;
    this._form.hidden = true;
    this.node.append(h('h2', {}, `Claude data analyst: ${project}`), this._form, this._outputs, this._log);
    void this._load();
  }

  /** AI status first (the form or why AI is off), then the last run. */
  private async _load(): Promise<void> {
    const off = aiOffNote(await llmStatus(true));
    if (off) {
      this._form.replaceWith(off);
    } else {
      this._form.hidden = false;
    }
    try {
      const doc = await requestAPI<{ running: boolean; last_run: unknown }>(endPoint(this.project));
      const run = asRun(doc.last_run);
      if (run && !this._state) {
        this._draw(fromRun(run));
      }
      if (doc.running && !this._state) {
        this._log.replaceChildren(
          h(
            'li',
            { className: 'orpheus-Muted', role: 'status' },
            'Claude is analysing this project now (started elsewhere).'
          )
        );
        this._cancel.disabled = false;
      }
    } catch (error) {
      notifyError(error, 'Could not read the last analysis by Claude');
    }
  }

  async ask(): Promise<void> {
    const request = this._input.value.trim();
    if (!request || this._state?.running) {
      return;
    }
    this._abort = new AbortController();
    try {
      await streamAPI(endPoint(this.project), { request }, analystStream, s => this._draw(s), this._abort.signal);
      this._onDone();
    } catch (error) {
      if (!this._abort.signal.aborted) {
        notifyError(error, 'Claude could not analyze');
      }
      this._draw(this._state ? { ...this._state, running: false } : null);
    }
    this._abort = null;
  }

  /** Stop the run: the server stops Claude (DELETE), and this panel stops listening. */
  async cancel(): Promise<void> {
    try {
      await requestAPI(endPoint(this.project), { method: 'DELETE' });
    } catch (error) {
      notifyError(error, 'Could not cancel');
    }
  }

  /** Closing the panel mid-run leaves the stream, which stops the run on the server. */
  dispose(): void {
    this._abort?.abort();
    super.dispose();
  }

  private _draw(state: IAnalystState | null): void {
    this._state = state;
    const running = !!state?.running;
    this._ask.disabled = running;
    this._cancel.disabled = !running;
    this._ask.textContent = running ? 'Claude is working…' : 'Ask Claude to analyze';
    this._outputs.replaceChildren(...(state ? this._outputNodes(state) : []));
    const stick = this._log.scrollHeight - this._log.scrollTop - this._log.clientHeight < 40;
    this._log.replaceChildren(...(state?.log ?? []).map(logNode));
    if (running) {
      this._log.append(h('li', { className: 'orpheus-Muted', role: 'status' }, 'Claude is working…'));
    }
    if (stick) {
      this._log.scrollTop = this._log.scrollHeight;
    }
  }

  private _outputNodes(state: IAnalystState): HTMLElement[] {
    const nodes: HTMLElement[] = [];
    if (state.run) {
      nodes.push(h('p', { className: 'orpheus-Analyst-request' }, `Asked: ${state.run.request}`));
      if (state.run.answer) {
        nodes.push(h('p', { className: 'orpheus-Analyst-answer' }, state.run.answer));
      }
    }
    const links = state.dashboards.map(d =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            className: 'orpheus-Analyst-link',
            onclick: () => openDashboardPanel(this._app, d.notebook, d.title ?? d.id)
          },
          `Dashboard: ${d.title ?? d.id}`
        )
      )
    );
    const nb = state.notebook;
    if (nb?.path) {
      links.push(
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              className: 'orpheus-Analyst-link',
              onclick: () => void this._app.commands.execute('docmanager:open', { path: nb.path })
            },
            `Notebook: ${nb.path.split('/').pop()}`
          ),
          h(
            'span',
            { className: nb.executed ? 'orpheus-Muted' : 'orpheus-Error' },
            nb.executed ? ' runs top to bottom' : ` ${nb.error ?? 'failed'}`
          )
        )
      );
    }
    if (links.length) {
      nodes.push(h('ul', { className: 'orpheus-Analyst-links', 'aria-label': 'Made by Claude' }, ...links));
    }
    for (const r of state.refused) {
      nodes.push(h('p', { className: 'orpheus-Error', role: 'alert' }, `Refused ${r.file}: ${r.message}`));
    }
    if (state.error) {
      nodes.push(h('p', { className: 'orpheus-Error', role: 'alert' }, state.error));
    }
    return nodes;
  }
}

function logNode(entry: ILogEntry): HTMLElement {
  return h('li', { className: `orpheus-Analyst-entry orpheus-mod-${entry.kind}`, 'data-kind': entry.kind }, entry.text);
}

/** The analyst panel of a project as a Lab main-area widget; `onDone` runs after each run (new files, dashboards). */
export function analystWidget(
  app: JupyterFrontEnd,
  project: string,
  onDone?: () => void
): MainAreaWidget<AnalystPanel> {
  const widget = new MainAreaWidget({ content: new AnalystPanel(app, project, onDone) });
  widget.id = `orpheus-analyst-${project}`.replace(/[^A-Za-z0-9_-]/g, '-');
  widget.title.label = `Claude: ${project}`;
  widget.title.caption = `Claude analyses the data of ${project}`;
  widget.title.icon = dataIcon;
  widget.title.closable = true;
  return widget;
}
