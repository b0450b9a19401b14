/**
 * Whether the AI features are on, known before the user tries: the launcher,
 * the new-session dialog, chat and "change in words" all read the same
 * `GET /orpheus/api/llm` answer (`{"enabled", "message", ...}`).
 */

import { Signal } from '@lumino/signaling';

import { ILLMStatus, llmStatus } from './api';
import { h } from './dom';
import { aiOffMessage } from './logic/ai';
import { IOrpheusAI } from './tokens';

export { AI_OFF_TEXT, aiOffMessage } from './logic/ai';

/**
 * A note saying AI is off (role "note", class `orpheus-AIOff`), to put in place
 * of an AI input; null when AI is on. For "change in words", chat, insights.
 */
export function aiOffNote(status: ILLMStatus | null | undefined, label = 'AI is off'): HTMLElement | null {
  const message = aiOffMessage(status);
  return message ? h('p', { className: 'orpheus-AIOff', role: 'note', 'aria-label': label }, message) : null;
}

/** The AI status service of the plugins (one answer per page, re-asked with `refresh`). */
export class AIStatus implements IOrpheusAI {
  readonly ready: Promise<ILLMStatus>;
  private _status: ILLMStatus | null = null;
  private _changed = new Signal<IOrpheusAI, ILLMStatus>(this);

  constructor() {
    this.ready = this.refresh(false);
  }

  get status(): ILLMStatus | null {
    return this._status;
  }

  get changed(): Signal<IOrpheusAI, ILLMStatus> {
    return this._changed;
  }

  /** The reason AI is off, or null while it is on or not known yet. */
  get offMessage(): string | null {
    return aiOffMessage(this._status);
  }

  async refresh(fresh = true): Promise<ILLMStatus> {
    const status = await llmStatus(fresh);
    this._status = status;
    this._changed.emit(status);
    return status;
  }
}
