import { JupyterFrontEnd } from '@jupyterlab/application';
import { addIcon, deleteIcon, downloadIcon, editIcon, historyIcon, runIcon, shareIcon } from '@jupyterlab/ui-components';
import { InputDialog, Notification } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { api, IProject, IRender, ISession, IVideoModel, videoApi } from './api';
import { h, iconButton } from './dom';
import { ago } from './logic/format';
import { IRenderState, startRender } from './logic/render';
import { formatBytes } from './logic/multipart';
import { notifyError } from './notify';
import { openReplay } from './replay';
import { actions, download, section } from './rows';
import { deleteSession, openSession, renameSession, resumeSession } from './sessions';
import { videoWidget } from './video';
import { runRender } from './videoRender';

/** What session and video rows need from the panel. */
export interface IRowContext {
  readonly app: JupyterFrontEnd;
  refresh(): Promise<void>;
  newSession(project?: string): Promise<unknown>;
  share(kind: string, target: string, title: string): Promise<unknown>;
}

/** A project's Claude sessions: status dot, open/resume, rename, share, replay, zip, delete. */
export function sessionSection(ctx: IRowContext, project: IProject, all: ISession[]): HTMLElement {
  const sessions = all.filter(s => s.project === project.name);
  return section(
    'Sessions',
    [iconButton(`New Claude session in ${project.name}`, addIcon, () => void ctx.newSession(project.name))],
    sessions.map(s => sessionRow(ctx, s)),
    'No sessions.'
  );
}

function sessionRow(ctx: IRowContext, session: ISession): HTMLElement {
  const running = !!session.terminal;
  const after = (p: Promise<unknown>) => void p.then(() => ctx.refresh());
  return h(
    'li',
    { className: 'orpheus-Row', 'data-session': session.id },
    h('span', {
      className: `orpheus-Dot orpheus-mod-${running ? 'running' : 'ended'}`,
      role: 'img',
      'aria-label': session.status
    }),
    h(
      'button',
      {
        type: 'button',
        className: 'orpheus-Row-main',
        'data-key': `session:${session.id}`,
        title: running ? `Open the terminal of "${session.title}"` : `Resume "${session.title}"`,
        onclick: () => after(openSession(ctx.app, session))
      },
      h('span', { className: 'orpheus-Row-label' }, session.title),
      h('span', { className: 'orpheus-Muted' }, `${session.mode} · ${session.status} · ${ago(session.created)}`)
    ),
    actions(
      running ? null : iconButton(`Resume ${session.title}`, runIcon, () => after(resumeSession(ctx.app, session))),
      iconButton(`Rename ${session.title}`, editIcon, () => after(renameSession(ctx.app, session))),
      iconButton(`Share ${session.title}`, shareIcon, () => void ctx.share('session', session.path, session.title)),
      iconButton(`Replay the recording of ${session.title}`, historyIcon, () => void replay(ctx.app, session)),
      iconButton(`Download ${session.title} as a zip`, downloadIcon, () => download(api.sessionArchiveUrl(session.id))),
      iconButton(`Delete ${session.title}`, deleteIcon, () => after(deleteSession(session)))
    )
  );
}

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
      ...model.renders.map(r => renderRow(ctx, project.name, r))
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
    ...qualities.map(q => h('option', { value: q, selected: q === (qualityChoice.get(key) ?? 'low') }, q))
  ) as HTMLSelectElement;
  const state = renderStates.get(key);
  return h(
    'li',
    { className: 'orpheus-Row orpheus-SceneRow', 'data-scene': key },
    h(
      'span',
      { className: 'orpheus-Row-main orpheus-Row-static' },
      h('span', { className: 'orpheus-Row-label' }, `${scene}.py`),
      h('span', { className: 'orpheus-Muted' }, 'scene')
    ),
    select,
    iconButton(`Render scene ${scene}`, 'Render', () => void render(ctx, project, scene, select.value)),
    state ? renderProgress(key, scene, state) : null
  );
}

function renderProgress(key: string, scene: string, state: IRenderState): HTMLElement {
  const percent = Math.round(state.fraction * 100);
  return h(
    'div',
    { className: 'orpheus-Progress orpheus-RenderProgress', 'data-render': key },
    h('progress', { max: 100, value: percent, 'aria-label': `Render of scene ${scene}` }),
    h('span', { className: 'orpheus-Progress-text', role: 'status' }, `${percent} % ${state.message}`),
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

function renderRow(ctx: IRowContext, project: string, r: IRender): HTMLElement {
  return h(
    'li',
    { className: 'orpheus-Row' },
    h(
      'button',
      {
        type: 'button',
        className: 'orpheus-Row-main',
        'data-key': `video:${project}/${r.file}`,
        title: `Play ${r.file}`,
        onclick: () => showInMain(ctx.app, videoWidget(project, r.file))
      },
      h('span', { className: 'orpheus-Row-label' }, r.file),
      h(
        'span',
        { className: 'orpheus-Muted' },
        [r.duration ? `${r.duration.toFixed(1)} s` : '', r.width ? `${r.width}×${r.height}` : '', formatBytes(r.size)]
          .filter(Boolean)
          .join(' · ')
      )
    )
  );
}

/** Add a widget to the main area, or reveal the one already there with its id. */
export function showInMain(app: JupyterFrontEnd, widget: Widget): void {
  const existing = Array.from(app.shell.widgets('main')).find(w => w.id === widget.id);
  if (existing) {
    widget.dispose();
    app.shell.activateById(existing.id);
    return;
  }
  app.shell.add(widget, 'main');
  app.shell.activateById(widget.id);
}

async function replay(app: JupyterFrontEnd, session: ISession): Promise<void> {
  try {
    showInMain(app, await openReplay(session));
  } catch (error) {
    notifyError(error, 'Could not load the recording');
  }
}
