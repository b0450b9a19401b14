import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { dataIcon } from '../icons';
import { CommandIDs, IOrpheusPanel } from '../tokens';

/** Data Studio: upload data into a project, analyse it, build dashboards. */
export const dataStudioPlugin: JupyterFrontEndPlugin<void> = {
  id: 'orpheus-lab:datastudio',
  description: 'The Data Studio command.',
  autoStart: true,
  requires: [IOrpheusPanel],
  activate: (app: JupyterFrontEnd, panel: IOrpheusPanel) => {
    app.commands.addCommand(CommandIDs.dataStudio, {
      label: args => (args.isLauncher ? 'Data Studio' : 'Open Data Studio'),
      caption: 'Upload data files into a project, analyse them and build dashboards',
      icon: dataIcon,
      execute: () => panel.widget.dataStudio()
    });
  }
};
