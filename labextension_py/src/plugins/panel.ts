import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { orpheusIcon } from '../icons';
import { OrpheusPanel } from '../panel';
import { shareTarget, showMyShares } from '../shareDialog';
import { CommandIDs, IOrpheusPanel, IOrpheusSessions } from '../tokens';

/** The Orpheus side panel: projects with their sessions, notes, data, dashboards and videos. */
export const panelPlugin: JupyterFrontEndPlugin<IOrpheusPanel> = {
  id: 'orpheus-lab:panel',
  description: 'The Orpheus projects side panel.',
  autoStart: true,
  requires: [IOrpheusSessions],
  optional: [ILayoutRestorer],
  provides: IOrpheusPanel,
  activate: (app: JupyterFrontEnd, sessions: IOrpheusSessions, restorer: ILayoutRestorer | null): IOrpheusPanel => {
    const widget = new OrpheusPanel(app, {
      newSession: project => sessions.newSession(project),
      share: (kind, target, title) => shareTarget(kind, target, title),
      myShares: () => showMyShares()
    });
    widget.title.icon = orpheusIcon;
    app.shell.add(widget, 'left', { rank: 300 });
    restorer?.add(widget, 'orpheus-panel');
    sessions.changed.connect(() => void widget.refresh());
    app.commands.addCommand(CommandIDs.showPanel, {
      label: 'Show Orpheus Projects',
      icon: orpheusIcon,
      execute: () => app.shell.activateById(widget.id)
    });
    return { widget, refresh: () => widget.refresh() };
  }
};
