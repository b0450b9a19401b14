import { videoApi } from './api';
import { applyRenderEvent, endRender, IRenderState, startRender } from './logic/render';
import { SSEParser } from './logic/sse';
import { OrpheusError } from './request';

/**
 * Render one scene, reading the server-sent events as they arrive; `onState`
 * gets every new state. Resolves with the final state (its `error` is the
 * server's message when the render failed). A 4xx answer rejects with it.
 */
export async function runRender(
  project: string,
  scene: string,
  quality: string,
  onState: (state: IRenderState) => void
): Promise<IRenderState> {
  let state = startRender();
  onState(state);
  const response = await videoApi.render(project, scene, quality);
  if (!response.body) {
    throw new OrpheusError('The server sent no progress stream.', response.status);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SSEParser();
  const apply = (events: { event: string; data: string }[]): void => {
    if (events.length) {
      state = events.reduce(applyRenderEvent, state);
      onState(state);
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    apply(parser.push(value));
  }
  apply(parser.flush());
  state = endRender(state);
  onState(state);
  return state;
}
