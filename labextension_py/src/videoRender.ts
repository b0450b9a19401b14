import { videoApi } from './api';
import { IRenderState } from './logic/render';

/**
 * Render one scene, reading the server-sent events as they arrive; `onState`
 * gets every new state. Resolves with the final state (its `error` is the
 * server's message when the render failed). A 4xx answer rejects with it.
 */
export function runRender(
  project: string,
  scene: string,
  quality: string,
  onState: (state: IRenderState) => void
): Promise<IRenderState> {
  return videoApi.render(project, scene, quality, onState);
}
