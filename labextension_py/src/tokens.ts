/** Services the Orpheus plugins share (each one provided by exactly one plugin). */

import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import { ILLMStatus, ISession } from './api';
import { IInfo } from './banner';
import { OrpheusPanel } from './panel';

/** The signed-in user's account as `GET /orpheus/api/info` describes it (provided by the banner plugin). */
export interface IOrpheusAccount {
  /** Resolves after the first `/info` answer (null when there is none). */
  readonly ready: Promise<IInfo | null>;
  /** The last `/info` answer. */
  readonly info: IInfo | null;
  /** Emitted after each refresh with the new answer. */
  readonly changed: ISignal<IOrpheusAccount, IInfo | null>;
  /** Ask `/info` again now. */
  refresh(): Promise<IInfo | null>;
  /** Whether the hub lets this user open plain shells. */
  mayOpenShells(): boolean;
}

export const IOrpheusAccount = new Token<IOrpheusAccount>(
  'orpheus-lab:IOrpheusAccount',
  'The Orpheus account of the signed-in user.'
);

/** Creating Claude sessions (provided by the sessions plugin). */
export interface IOrpheusSessions {
  /** Ask for a new session (optionally in `project`), create it and open its terminal. */
  newSession(project?: string): Promise<ISession | null>;
  /** Emitted after a session was created or resumed from a restored tab. */
  readonly changed: ISignal<IOrpheusSessions, ISession>;
}

export const IOrpheusSessions = new Token<IOrpheusSessions>(
  'orpheus-lab:IOrpheusSessions',
  'Create and open Claude sessions.'
);

/** The Orpheus side panel (provided by the panel plugin). */
export interface IOrpheusPanel {
  readonly widget: OrpheusPanel;
  refresh(): Promise<void>;
}

export const IOrpheusPanel = new Token<IOrpheusPanel>('orpheus-lab:IOrpheusPanel', 'The Orpheus projects side panel.');

/** Whether the AI features are available (provided by the AI plugin). */
export interface IOrpheusAI {
  /** Resolves with the first answer of `GET /orpheus/api/llm`. */
  readonly ready: Promise<ILLMStatus>;
  /** The last answer (null until the first one). */
  readonly status: ILLMStatus | null;
  /** The server's reason AI is off; null while it is on or not known yet. */
  readonly offMessage: string | null;
  readonly changed: ISignal<IOrpheusAI, ILLMStatus>;
  /** Ask the server again. */
  refresh(): Promise<ILLMStatus>;
}

export const IOrpheusAI = new Token<IOrpheusAI>('orpheus-lab:IOrpheusAI', 'Whether AI features are on, and why not.');

/** Command ids, one place for every plugin. */
export namespace CommandIDs {
  export const newSession = 'orpheus:new-session';
  export const showPanel = 'orpheus:show-panel';
  export const dataStudio = 'orpheus:data-studio';
  export const chat = 'orpheus:chat';
  export const shareFile = 'orpheus:share-file';
  export const shareNotebook = 'orpheus:share-notebook';
  export const myShares = 'orpheus:my-shares';
  export const videoStudio = 'orpheus:video-studio';
}

/** The launcher and palette category of every Orpheus item. */
export const CATEGORY = 'Orpheus';
