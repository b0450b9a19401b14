import { JupyterFrontEnd } from '@jupyterlab/application';
import { addIcon, editIcon, runIcon, shareIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { api, IProject, ISession } from './api';
import { clip, h, iconButton, timeLabel } from './dom';
import { when } from './logic/words';
import { menuButton } from './menu';
import { notifyError } from './notify';
import { openReplay } from './replay';
import { actions, download, section } from './rows';
import { cloneIntoSession, fetchIntoSession } from './sessionTools';
import { deleteSession, openSession, renameSession, resumeSession } from './sessions';

/** What session and video rows need from the panel. */
export interface IRowContext {
  readonly app: JupyterFrontEnd;
  refresh(): Promise<void>;
  newSession(project?: string): Promise<unknown>;
  share(kind: string, target: string, title: string): Promise<unknown>;
}

/** A project's Claude sessions: status dot, open/resume, rename, share, replay, zip, delete, clone, fetch. */
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
      clip(session.title),
      h(
        'span',
        {
          className: 'orpheus-Muted',
          title: `${session.mode} · ${session.status} · started ${when(session.created).full}`
        },
        `${session.mode} · ${session.status} · `,
        timeLabel(session.created, '')
      )
    ),
    actions(
      running ? null : iconButton(`Resume ${session.title}`, runIcon, () => after(resumeSession(ctx.app, session))),
      iconButton(`Rename ${session.title}`, editIcon, () => after(renameSession(ctx.app, session))),
      iconButton(`Share ${session.title}`, shareIcon, () => void ctx.share('session', session.path, session.title)),
      menuButton(`More actions for ${session.title}`, [
        { label: 'Replay the recording', run: () => replay(ctx.app, session) },
        { label: 'Download the session folder as a zip', run: () => download(api.sessionArchiveUrl(session.id)) },
        { label: 'Clone a git repository into the session…', run: () => cloneIntoSession(ctx.app, session) },
        { label: 'Save a web page into the session…', run: () => fetchIntoSession(ctx.app, session) },
        { label: 'Delete the session…', run: () => after(deleteSession(session)) }
      ])
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
