import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { aiOffMessage } from './ai';
import { chatApi, llmStatus } from './api';
import { h } from './dom';
import { dataIcon } from './icons';
import { emptyChat, endChat, IChatState, IChatStep, IChatTurn, outputView } from './logic/chat';
import { notifyError } from './notify';

/**
 * Chat with a project's data: questions answered by the model, which runs
 * Python in a kernel of this server. Answers stream in; each code step shows
 * collapsed with its outputs (text and tables as text, images, plotly
 * figures summarised in words: the panel bundles no plotting library).
 */
export class ChatPanel extends Widget {
  private _state: IChatState = emptyChat();
  private _log: HTMLElement;
  private _form: HTMLFormElement;
  private _input: HTMLTextAreaElement;
  private _send: HTMLButtonElement;
  private _export: HTMLButtonElement;
  private _busy = false;

  constructor(
    private _app: JupyterFrontEnd,
    readonly project: string
  ) {
    super();
    this.addClass('orpheus-Chat');
    this._log = h('div', {
      className: 'orpheus-Chat-log',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': `Conversation about the data of ${project}`
    });
    this._input = h('textarea', {
      className: 'orpheus-Chat-input',
      rows: 2,
      'aria-label': `Ask a question about the data of ${project}`,
      placeholder: 'Ask about the data (Enter sends, Shift+Enter for a new line)',
      onkeydown: (ev: Event) => {
        const key = ev as KeyboardEvent;
        if (key.key === 'Enter' && !key.shiftKey) {
          key.preventDefault();
          void this.ask();
        }
      }
    }) as HTMLTextAreaElement;
    this._send = h(
      'button',
      { type: 'submit', className: 'jp-Button jp-mod-accept orpheus-Chat-send' },
      'Send'
    ) as HTMLButtonElement;
    this._export = h(
      'button',
      {
        type: 'button',
        className: 'jp-Button jp-mod-styled orpheus-Chat-export',
        disabled: true,
        onclick: () => void this.exportNotebook()
      },
      'Export as notebook'
    ) as HTMLButtonElement;
    this._form = h(
      'form',
      {
        className: 'orpheus-Chat-form',
        'aria-label': 'Ask',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          void this.ask();
        }
      },
      this._input,
      h('div', { className: 'orpheus-Chat-buttons' }, this._send, this._export)
    ) as HTMLFormElement;
    this._form.hidden = true;
    this.node.append(this._log, this._form);
    void this._checkAI();
  }

  /**
   * Offer the input only when the server has a model; otherwise the server's
   * reason (`GET /orpheus/api/llm` `message`) takes the input's place.
   */
  private async _checkAI(): Promise<void> {
    const off = aiOffMessage(await llmStatus(true));
    if (off) {
      this._log.replaceChildren(
        h('p', { className: 'orpheus-Chat-disabled orpheus-AIOff', role: 'note', 'aria-label': 'AI is off' }, off)
      );
      return;
    }
    this._form.hidden = false;
    this._log.append(
      h('p', { className: 'orpheus-Muted orpheus-Chat-hint' }, `Ask about the data files of ${this.project}.`)
    );
    this._input.focus();
  }

  async ask(): Promise<void> {
    const message = this._input.value.trim();
    if (!message || this._busy) {
      return;
    }
    this._busy = true;
    this._send.disabled = true;
    this._input.value = '';
    try {
      await chatApi.send(this.project, this._state, message, state => this._update(state));
    } catch (error) {
      this._update(endChat(this._state));
      notifyError(error, 'The chat failed');
    } finally {
      this._busy = false;
      this._send.disabled = false;
      this._input.focus();
    }
  }

  async exportNotebook(): Promise<void> {
    const id = this._state.conversationId;
    if (!id) {
      return;
    }
    try {
      const path = await chatApi.exportNotebook(this.project, id);
      await this._app.commands.execute('docmanager:open', { path });
    } catch (error) {
      notifyError(error, 'Could not export the conversation');
    }
  }

  private _update(state: IChatState): void {
    this._state = state;
    this._export.disabled = !state.conversationId;
    const stick = this._log.scrollHeight - this._log.scrollTop - this._log.clientHeight < 40;
    this._log.replaceChildren(...state.turns.map(t => turnNode(t)));
    if (stick) {
      this._log.scrollTop = this._log.scrollHeight;
    }
  }
}

function turnNode(turn: IChatTurn): HTMLElement {
  const mine = turn.role === 'user';
  return h(
    'div',
    { className: `orpheus-Chat-turn orpheus-mod-${turn.role}` },
    h('div', { className: 'orpheus-Chat-who' }, mine ? 'You' : 'Orpheus'),
    ...turn.steps.map((s, i) => stepNode(s, i)),
    turn.text ? h('div', { className: 'orpheus-Chat-text' }, turn.text) : null,
    !turn.done && turn.status
      ? h('div', { className: 'orpheus-Muted orpheus-Chat-status', role: 'status' }, turn.status)
      : null,
    turn.error ? h('div', { className: 'orpheus-Error', role: 'alert' }, turn.error) : null
  );
}

function stepNode(step: IChatStep, index: number): HTMLElement {
  return h(
    'details',
    { className: 'orpheus-Chat-step' },
    h('summary', {}, `Code step ${index + 1}${step.outputs.length ? '' : ' (running)'}`),
    h('pre', { className: 'orpheus-Chat-code' }, step.code),
    ...step.outputs.map(o => {
      const view = outputView(o);
      if (!view) {
        return null;
      }
      if (view.kind === 'image') {
        return h('img', {
          className: 'orpheus-Chat-image',
          src: `data:${view.mime};base64,${view.data}`,
          alt: 'Output image'
        });
      }
      return h('pre', { className: `orpheus-Chat-output orpheus-mod-${view.kind}` }, view.text);
    })
  );
}

/** The chat panel of a project as a Lab main-area widget. */
export function chatWidget(app: JupyterFrontEnd, project: string): MainAreaWidget<ChatPanel> {
  const widget = new MainAreaWidget({ content: new ChatPanel(app, project) });
  widget.id = `orpheus-chat-${project}`.replace(/[^A-Za-z0-9_-]/g, '-');
  widget.title.label = `Chat: ${project}`;
  widget.title.caption = `Chat with the data of ${project}`;
  widget.title.icon = dataIcon;
  widget.title.closable = true;
  return widget;
}
