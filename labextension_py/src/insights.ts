/**
 * The "AI insights" part of the analysis view: the stored insights (GET), and
 * a button asking the model for new ones, streamed as they are written. When
 * AI is off here, the server's message stands in for the button.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';

import { llmStatus, studioApi } from './api';
import { h, timeLabel } from './dom';
import { asInsightsDoc, endInsights, IInsightsState, startInsights } from './logic/insights';
import { OrpheusError } from './request';

export class InsightsSection {
  readonly node: HTMLElement;
  private _content = h('div', { className: 'orpheus-Insights-content', 'aria-live': 'polite' });
  private _controls = h('div', { className: 'orpheus-Insights-controls' });
  private _running = false;

  constructor(
    private _app: JupyterFrontEnd,
    private _project: string
  ) {
    this.node = h(
      'section',
      { className: 'orpheus-Insights', 'aria-label': 'AI insights' },
      h('h2', {}, 'AI insights'),
      this._controls,
      this._content
    );
  }

  /** Show the stored insights, and the button (or why AI is off). */
  async load(): Promise<void> {
    const status = await llmStatus();
    if (!status.enabled) {
      this._controls.replaceChildren(
        h(
          'p',
          { className: 'orpheus-Notice', role: 'note' },
          status.message || 'AI features are not available on this server.'
        )
      );
    }
    let stored: IInsightsState | null = null;
    try {
      const doc = asInsightsDoc(await studioApi.insights(this._project));
      stored = doc ? { ...startInsights(), running: false, text: doc.text, doc } : null;
    } catch (error) {
      if (!(error instanceof OrpheusError && error.status === 404)) {
        stored = { ...startInsights(), running: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
    if (status.enabled) {
      this._controls.replaceChildren(this._button(!!stored?.doc));
    }
    await this._show(stored);
  }

  private _button(again: boolean): HTMLElement {
    return h(
      'button',
      {
        type: 'button',
        className: 'jp-Button jp-mod-styled jp-mod-accept orpheus-Insights-ask',
        disabled: this._running,
        onclick: () => void this.ask()
      },
      again ? 'Ask AI again' : 'Ask AI for insights'
    );
  }

  /** Ask the model; its words appear as they arrive. */
  async ask(): Promise<void> {
    if (this._running) {
      return;
    }
    this._running = true;
    let state = startInsights();
    this._controls.replaceChildren(this._button(true));
    await this._show(state);
    try {
      state = await studioApi.explain(this._project, next => {
        state = next;
        void this._show(state);
      });
    } catch (error) {
      state = { ...endInsights(state), error: error instanceof Error ? error.message : String(error) };
    }
    this._running = false;
    this._controls.replaceChildren(this._button(!!state.doc));
    await this._show(state);
  }

  private async _show(state: IInsightsState | null): Promise<void> {
    if (!state) {
      this._content.replaceChildren(h('p', { className: 'orpheus-Muted' }, 'No insights yet.'));
      return;
    }
    const parts: (HTMLElement | null)[] = [
      state.running
        ? h('p', { className: 'orpheus-Muted', role: 'status' }, state.text ? 'Writing…' : 'Asking the model…')
        : null,
      state.text ? await this._markdown(state.text, state.running) : null,
      state.doc
        ? h(
            'p',
            { className: 'orpheus-Muted' },
            `By ${state.doc.model ?? 'the model'}, `,
            timeLabel(state.doc.created_at, ''),
            '.'
          )
        : null,
      state.error ? h('p', { className: 'orpheus-Error', role: 'alert' }, state.error) : null
    ];
    this._content.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  }

  /** Rendered Markdown once complete (plain text while it streams, so it does not flicker). */
  private async _markdown(text: string, streaming: boolean): Promise<HTMLElement> {
    const registry = streaming ? null : await this._app.resolveOptionalService(IRenderMimeRegistry);
    if (!registry) {
      return h('div', { className: 'orpheus-Insights-text' }, text);
    }
    const renderer = registry.createRenderer('text/markdown');
    await renderer.renderModel(new MimeModel({ data: { 'text/markdown': text }, trusted: false }));
    renderer.addClass('orpheus-Insights-text');
    return renderer.node;
  }
}
