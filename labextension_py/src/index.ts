/** The Orpheus JupyterLab extension: one plugin per feature, sharing state through the tokens in ./tokens. */

import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { aiPlugin } from './plugins/ai';
import { bannerPlugin } from './plugins/banner';
import { blockedPlugin } from './plugins/blocked';
import { chatPlugin } from './plugins/chat';
import { dataStudioPlugin } from './plugins/datastudio';
import { launcherPlugin } from './plugins/launcher';
import { panelPlugin } from './plugins/panel';
import { sessionsPlugin } from './plugins/sessions';
import { sharesPlugin } from './plugins/shares';
import { videoPlugin } from './plugins/video';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  bannerPlugin,
  aiPlugin,
  blockedPlugin,
  sessionsPlugin,
  panelPlugin,
  dataStudioPlugin,
  chatPlugin,
  sharesPlugin,
  videoPlugin,
  launcherPlugin
];

export default plugins;
