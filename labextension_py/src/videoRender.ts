import { videoApi } from './api';
import { applyRenderEvent, endRender, IRenderState, startRender } from './logic/render';

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
  await videoApi.render(project, scene, quality, events => {
    state = events.reduce(applyRenderEvent, state);
    onState(state);
  });
  state = endRender(state);
  onState(state);
  return state;
}
