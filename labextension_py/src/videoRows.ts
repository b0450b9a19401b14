/** A project's Video Studio rows: scenes to render (quality, progress), "New idea", rendered videos. */

import { InputDialog, Notification } from '@jupyterlab/apputils';
import { deleteIcon, downloadIcon, runIcon, shareIcon } from '@jupyterlab/ui-components';

import { IProject, IRender, IVideoModel, videoApi } from './api';
import { clip, confirmAction, h, iconButton, timeLabel } from './dom';
import { formatBytes } from './logic/multipart';
import { IRenderState, startRender } from './logic/render';
import { orderQualities } from './logic/words';
import { notifyError } from './notify';
import { download, actions, section } from './rows';
import { IRowContext, showInMain } from './sessionRows';
import { openSession } from './sessions';
import { videoWidget } from './video';
import { runRender } from './videoRender';

/** Render progress per `project/scene`, kept across the panel's re-renders. */
const renderStates = new Map<string, IRenderState>();
/** The quality picked per `project/scene`, kept across re-renders too. */
const qualityChoice = new Map<string, string>();

/** A project's Video Studio: scenes to render (quality, progress), "New idea", and the renders played in a Lab panel. */
export function videoSection(ctx: IRowContext, project: IProject, model: IVideoModel): HTMLElement {
  const node = section(
    'Videos',
    [iconButton(`New video idea in ${project.name}`, 'New idea', () => void newIdea(ctx, project.name))],
    [
      ...model.scenes.map(scene => sceneRow(ctx, project.name, scene, model.qualities)),
      ...model.renders.map(r => renderRow(ctx, project, r))
    ],
    'No scenes or rendered videos.'
  );
  return node;
}

function sceneRow(ctx: IRowContext, project: string, scene: string, qualities: string[]): HTMLElement {
  const key = `${project}/${scene}`;
  const select = h(
    'select',
    {
      className: 'orpheus-Select',
      'aria-label': `Render quality of scene ${scene}`,
      title: 'Render quality',
      onchange: (ev: Event) => void qualityChoice.set(key, (ev.target as HTMLSelectElement).value)
    },
    ...orderQualities(qualities).map(q =>
      h('option', { value: q, selected: q === (qualityChoice.get(key) ?? 'low') }, q)
    )
  ) as HTMLSelectElement;
  const state = renderStates.get(key);
  return h(
    'li',
    { className: 'orpheus-Row orpheus-SceneRow', 'data-scene': key },
    h(
      'span',
      { className: 'orpheus-Row-main orpheus-Row-static' },
      clip(`${scene}.py`),
      h('span', { className: 'orpheus-Muted' }, 'scene')
    ),
    actions(
      select,
      iconButton(`Render scene ${scene}`, 'Render', () => void render(ctx, project, scene, select.value))
    ),
    state ? renderProgress(key, scene, state) : null
  );
}

function renderProgress(key: string, scene: string, state: IRenderState): HTMLElement {
  const percent = Math.round(state.fraction * 100);
  return h(
    'div',
    { className: 'orpheus-Progress orpheus-RenderProgress', 'data-render': key },
    h('progress', { max: 100, value: percent, 'aria-label': `Render of scene ${scene}` }),
    h(
      'span',
      { className: 'orpheus-Progress-text', role: 'status', title: `${percent} % ${state.message}` },
      `${percent} % ${state.message}`
    ),
    state.error ? h('span', { className: 'orpheus-Error', role: 'alert' }, state.error) : null
  );
}

function showRenderState(key: string, scene: string, state: IRenderState): void {
  renderStates.set(key, state);
  const fresh = renderProgress(key, scene, state);
  const old = document.querySelector(`[data-render="${CSS.escape(key)}"]`);
  if (old) {
    old.replaceWith(fresh);
  } else {
    document.querySelector(`[data-scene="${CSS.escape(key)}"]`)?.append(fresh);
  }
}

async function render(ctx: IRowContext, project: string, scene: string, quality: string): Promise<void> {
  const key = `${project}/${scene}`;
  if (renderStates.get(key)?.running) {
    return;
  }
  try {
    const state = await runRender(project, scene, quality, s => showRenderState(key, scene, s));
    if (state.error) {
      Notification.error(state.error, { autoClose: 10000 });
    } else if (state.result) {
      Notification.success(`Rendered ${state.result.file}.`, { autoClose: 4000 });
      showInMain(ctx.app, videoWidget(project, state.result.file));
    }
  } catch (error) {
    showRenderState(key, scene, { ...(renderStates.get(key) ?? startRender()), running: false, message: 'Failed' });
    notifyError(error, 'The render failed');
  }
  await ctx.refresh();
}

async function newIdea(ctx: IRowContext, project: string): Promise<void> {
  const answer = await InputDialog.getText({
    title: `New video idea in ${project}`,
    label: 'Describe the video; a Claude session starts in the video folder with it',
    placeholder: 'A 20-second explainer of …'
  });
  const idea = answer.button.accept ? (answer.value ?? '').trim() : '';
  if (!idea) {
    return;
  }
  try {
    const session = await videoApi.session(project, idea);
    await openSession(ctx.app, session);
  } catch (error) {
    notifyError(error, 'Could not start the video session');
  }
  await ctx.refresh();
}

function renderRow(ctx: IRowContext, project: IProject, r: IRender): HTMLElement {
  const share = (): void => void ctx.share('file', `${project.path}/video/out/${r.file}`, r.file);
  const play = (): void => showInMain(ctx.app, videoWidget(project.name, r.file, share));
  const facts = [
    r.duration ? `${r.duration.toFixed(1)} s` : '',
    r.width ? `${r.width}×${r.height}` : '',
    formatBytes(r.size)
  ]
    .filter(Boolean)
    .join(' · ');
  return h(
    'li',
    { className: 'orpheus-Row', 'data-render-file': r.file },
    h(
      'button',
      {
        type: 'button',
        className: 'orpheus-Row-main',
        'data-key': `video:${project.name}/${r.file}`,
        title: `Play ${r.file}`,
        onclick: play
      },
      clip(r.file),
      h(
        'span',
        { className: 'orpheus-Muted' },
        r.created ? `${facts} · ` : facts,
        r.created ? timeLabel(r.created, '') : null
      )
    ),
    actions(
      iconButton(`Play ${r.file}`, runIcon, play),
      iconButton(`Share ${r.file}`, shareIcon, share),
      iconButton(`Download ${r.file}`, downloadIcon, () => download(videoApi.renderUrl(project.name, r.file))),
      iconButton(`Delete ${r.file}`, deleteIcon, () => void deleteRender(ctx, project.name, r.file))
    )
  );
}

async function deleteRender(ctx: IRowContext, project: string, file: string): Promise<void> {
  const ok = await confirmAction(
    `Delete ${file}?`,
    `The rendered video ${file} will be deleted. This cannot be undone.`,
    'Delete'
  );
  if (!ok) {
    return;
  }
  try {
    await videoApi.deleteRender(project, file);
    Notification.success(`Deleted ${file}.`, { autoClose: 4000 });
  } catch (error) {
    notifyError(error, `Could not delete ${file}`);
  }
  await ctx.refresh();
}
