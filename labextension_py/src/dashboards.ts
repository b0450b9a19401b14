import { JupyterFrontEnd } from '@jupyterlab/application';
import { IFrame, MainAreaWidget } from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

import { dataIcon } from './icons';
import { allowsSameOriginFraming } from './logic/csp';

let framing: Promise<boolean> | null = null;

/**
 * Whether this server's pages may be shown in a Lab panel (an iframe). Read
 * once from a cheap endpoint's Content-Security-Policy: JupyterHub's
 * single-user default `frame-ancestors 'none'` forbids it.
 */
export function framingAllowed(): Promise<boolean> {
  if (!framing) {
    framing = fetch(URLExt.join(PageConfig.getBaseUrl(), 'api'), { credentials: 'same-origin' })
      .then(r => allowsSameOriginFraming(r.headers.get('Content-Security-Policy')))
      .catch(() => true);
  }
  return framing;
}

/** The Voila URL of a notebook path (relative to the Jupyter root). */
export function voilaUrl(notebookPath: string): string {
  const parts = notebookPath.split('/').map(encodeURIComponent);
  return URLExt.join(PageConfig.getBaseUrl(), 'voila', 'render', ...parts);
}

/** Open a dashboard as a Voila app in a new browser tab. */
export function openDashboardTab(notebookPath: string): Window | null {
  return window.open(voilaUrl(notebookPath), '_blank', 'noopener');
}

/** Open a dashboard as a Voila app inside a Lab panel. */
export function openDashboardPanel(app: JupyterFrontEnd, notebookPath: string, title: string): MainAreaWidget<IFrame> {
  const id = `orpheus-voila-${notebookPath.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const existing = Array.from(app.shell.widgets('main')).find(w => w.id === id);
  if (existing) {
    app.shell.activateById(id);
    return existing as MainAreaWidget<IFrame>;
  }
  const frame = new IFrame({ sandbox: ['allow-scripts', 'allow-same-origin', 'allow-forms', 'allow-popups', 'allow-downloads'] });
  frame.url = voilaUrl(notebookPath);
  frame.node.querySelector('iframe')?.setAttribute('title', `Dashboard ${title}`);
  const widget = new MainAreaWidget({ content: frame });
  widget.id = id;
  widget.title.label = title;
  widget.title.icon = dataIcon;
  widget.title.closable = true;
  app.shell.add(widget, 'main');
  app.shell.activateById(id);
  return widget;
}
