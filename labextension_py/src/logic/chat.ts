/**
 * Chat with data: the transcript state folded from the server-sent events of
 * `POST .../chat` (`status`, `text`, `tool` {code}, `result` {outputs},
 * `error` {message, fatal?}, `complete` {conversation_id, reply}), and a
 * plain description of each kernel output. Pure; `chat.ts` draws it.
 */
import { errorText, EventHandler, eventReducer, IEventStream, textOf } from './sse';

export interface IChatStep {
  code: string;
  /** nbformat outputs of the step, once it ran. */
  outputs: Record<string, unknown>[];
}

export interface IChatTurn {
  role: 'user' | 'assistant';
  text: string;
  steps: IChatStep[];
  status: string;
  /** The server's message, shown unchanged. */
  error: string | null;
  done: boolean;
}

export interface IChatState {
  conversationId: string | null;
  turns: IChatTurn[];
}

export function emptyChat(): IChatState {
  return { conversationId: null, turns: [] };
}

/** The user's message and the (pending) answer to it. */
export function askChat(state: IChatState, message: string): IChatState {
  return {
    ...state,
    turns: [
      ...state.turns,
      { role: 'user', text: message, steps: [], status: '', error: null, done: true },
      { role: 'assistant', text: '', steps: [], status: 'Sending…', error: null, done: false }
    ]
  };
}

function withLast(state: IChatState, change: (turn: IChatTurn) => IChatTurn): IChatState {
  const last = state.turns[state.turns.length - 1];
  if (!last || last.role !== 'assistant') {
    return state;
  }
  return { ...state, turns: [...state.turns.slice(0, -1), change(last)] };
}

/** A handler changing the pending answer; any event's `conversation_id` is kept. */
function onAnswer(change: (turn: IChatTurn, data: Record<string, unknown>) => IChatTurn): EventHandler<IChatState> {
  return (state, data) => {
    const id = textOf(data, 'conversation_id');
    return withLast(id ? { ...state, conversationId: id } : state, t => change(t, data));
  };
}

/** The state after one event (the input is not changed). */
export const applyChatEvent = eventReducer<IChatState>({
  status: onAnswer((t, data) => ({ ...t, status: textOf(data) || t.status })),
  text: onAnswer((t, data) => ({ ...t, text: t.text + textOf(data, 'text') })),
  tool: onAnswer((t, data) => ({
    ...t,
    status: 'Running code',
    steps: [...t.steps, { code: textOf(data, 'code'), outputs: [] }]
  })),
  result: onAnswer((t, data) => {
    const outputs = Array.isArray(data.outputs) ? (data.outputs as Record<string, unknown>[]) : [];
    return t.steps.length
      ? { ...t, steps: [...t.steps.slice(0, -1), { ...t.steps[t.steps.length - 1], outputs }] }
      : { ...t, steps: [{ code: '', outputs }] };
  }),
  error: onAnswer((t, data) =>
    data.fatal
      ? { ...t, error: errorText(data, 'The chat failed.'), status: 'Failed', done: true }
      : { ...t, status: textOf(data) || t.status }
  ),
  complete: onAnswer((t, data) => ({ ...t, text: textOf(data, 'reply') || t.text, status: '', done: true }))
});

/** The state when the stream ended, whether or not `complete` came. */
export function endChat(state: IChatState): IChatState {
  return withLast(state, t =>
    t.done ? t : { ...t, done: true, status: 'Failed', error: t.error ?? 'The answer stopped before it finished.' }
  );
}

/** The stream answering `message` after the conversation so far, for `followStream`. */
export function chatStream(state: IChatState, message: string): IEventStream<IChatState> {
  return { start: () => askChat(state, message), apply: applyChatEvent, end: endChat };
}

/** What to show for one kernel output. */
export type OutputView =
  | { kind: 'text'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'image'; mime: string; data: string }
  | { kind: 'figure'; text: string };

const PLOTLY = 'application/vnd.plotly.v1+json';

function joined(value: unknown): string {
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';
}

/** A plotly figure as words: its title and its traces (the panel draws no chart). */
export function figureSummary(figure: unknown): string {
  const fig = (figure && typeof figure === 'object' ? figure : {}) as Record<string, unknown>;
  const traces = Array.isArray(fig.data) ? (fig.data as Record<string, unknown>[]) : [];
  const layout = (fig.layout && typeof fig.layout === 'object' ? fig.layout : {}) as Record<string, unknown>;
  const rawTitle = layout.title;
  const title =
    typeof rawTitle === 'string'
      ? rawTitle
      : rawTitle && typeof rawTitle === 'object' && typeof (rawTitle as Record<string, unknown>).text === 'string'
        ? ((rawTitle as Record<string, unknown>).text as string)
        : '';
  const kinds = traces.map(t => (typeof t.type === 'string' ? t.type : 'scatter'));
  const counts = new Map<string, number>();
  kinds.forEach(k => counts.set(k, (counts.get(k) ?? 0) + 1));
  const parts = Array.from(counts, ([k, n]) => (n > 1 ? `${n} ${k}` : k));
  return `Plotly figure${title ? ` "${title}"` : ''}: ${traces.length} trace${traces.length === 1 ? '' : 's'}${
    parts.length ? ` (${parts.join(', ')})` : ''
  }`;
}

/** Describe an nbformat output: text and tables as text, PNG/JPEG images, plotly figures summarised. */
export function outputView(output: Record<string, unknown>): OutputView | null {
  const type = output.output_type;
  if (type === 'stream') {
    return { kind: 'text', text: joined(output.text) };
  }
  if (type === 'error') {
    const trace = joined(Array.isArray(output.traceback) ? (output.traceback as string[]).join('\n') : '');
    // Tracebacks carry terminal colour codes.
    const text = `${String(output.ename ?? 'Error')}: ${String(output.evalue ?? '')}\n${trace}`.replace(
      /\u001b\[[0-9;]*m/g,
      ''
    );
    return { kind: 'error', text: text.trim() };
  }
  const data = (output.data && typeof output.data === 'object' ? output.data : null) as Record<string, unknown> | null;
  if (!data) {
    return null;
  }
  if (PLOTLY in data) {
    return { kind: 'figure', text: figureSummary(data[PLOTLY]) };
  }
  for (const mime of ['image/png', 'image/jpeg']) {
    if (typeof data[mime] === 'string') {
      return { kind: 'image', mime, data: (data[mime] as string).replace(/\s/g, '') };
    }
  }
  if ('text/plain' in data) {
    return { kind: 'text', text: joined(data['text/plain']) };
  }
  return null;
}
