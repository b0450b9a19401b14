/** The live "folder name" line under a title field (`GET /orpheus/api/names/slug`, debounced). */

import { Debouncer, ISlugAnswer, slugHint, SlugKind, slugQuery } from './logic/titles';
import { requestAPI } from './request';

export class SlugPreview {
  readonly node: HTMLElement;
  private _debounce = new Debouncer(250);

  /**
   * @param input - the title field it follows
   * @param kind - project or session
   * @param project - for sessions: the existing project it goes in (null for a new one)
   */
  constructor(
    private _input: HTMLInputElement,
    private _kind: SlugKind,
    private _project: () => string | null = () => null
  ) {
    this.node = document.createElement('div');
    this.node.className = 'orpheus-SlugPreview';
    this.node.id = `${_input.id}-folder`;
    this.node.setAttribute('aria-live', 'polite');
    _input.setAttribute(
      'aria-describedby',
      [_input.getAttribute('aria-describedby'), this.node.id].filter(Boolean).join(' ')
    );
    _input.addEventListener('input', () => this.update());
  }

  /** Ask again (after the title or the project changed). */
  update(): void {
    const title = this._input.value;
    if (!title.trim()) {
      this._debounce.dispose();
      this._show('', '');
      return;
    }
    this._debounce.call(seq => void this._ask(seq, title));
  }

  dispose(): void {
    this._debounce.dispose();
  }

  private async _ask(seq: number, title: string): Promise<void> {
    try {
      const answer = await requestAPI<ISlugAnswer>(slugQuery(title, this._kind, this._project()));
      if (this._debounce.isLatest(seq)) {
        this._show(slugHint(answer, this._kind), answer.available ? '' : 'orpheus-mod-taken');
      }
    } catch (error) {
      if (this._debounce.isLatest(seq)) {
        this._show(error instanceof Error ? error.message : String(error), 'orpheus-mod-error');
      }
    }
  }

  private _show(text: string, mod: string): void {
    this.node.textContent = text;
    this.node.className = `orpheus-SlugPreview ${mod}`.trim();
  }
}
