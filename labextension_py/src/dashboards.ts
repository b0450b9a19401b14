import { JupyterFrontEnd } from '@jupyterlab/application';
import { IFrame, MainAreaWidget } from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

import { dataIcon } from './icons';

/** The Voila URL of a notebook path (relative to the Jupyter root). */
export function voilaUrl(notebookPath: string): string {
  const parts = notebookPath.split('/').map(encodeURIComponent);
  return URLExt.join(PageConfig.getBaseUrl(), 'voila', 'render', ...parts);
}

/** Open a dashboard as a Voila app in a new browser tab. */
export function openDashboardTab(notebookPath: string): Window | null {
  return window.open(voilaUrl(notebookPath), '_blank', 'noopener');
}

/**
 * Whether a dashboard frame shows the dashboard: false when the browser
 * refused to frame it (its error page is another origin, so the document is
 * out of reach), null for the empty document a frame starts with.
 */
function framedOk(iframe: HTMLIFrameElement): boolean | null {
  let doc: Document | null;
  try {
    doc = iframe.contentDocument;
  } catch {
    return false;
  }
  if (!doc) {
    return false;
  }
  return doc.URL === 'about:blank' ? null : true;
}

/** What a panel shows when the server did not let the dashboard be framed. */
function fallback(url: string, title: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'orpheus-FrameFallback';
  box.setAttribute('role', 'alert');
  const text = document.createElement('p');
  text.textContent =
    `"${title}" cannot be shown inside JupyterLab: this server does not allow its dashboards in a JupyterLab panel. ` +
    'You can open it in a new browser tab instead.';
  const link = document.createElement('a');
  link.href = url;
  link.target = '_blank';
  link.rel = 'noopener';
  link.className = 'jp-Button jp-mod-styled jp-mod-accept orpheus-FrameFallback-link';
  link.textContent = 'Open in a new browser tab';
  box.append(text, link);
  return box;
}

/**
 * Open a dashboard as a Voila app inside a Lab panel. When the browser
 * refuses to frame it, the panel says so in words, with a link to open the
 * dashboard in a new browser tab.
 */
export function openDashboardPanel(app: JupyterFrontEnd, notebookPath: string, title: string): MainAreaWidget<IFrame> {
  const id = `orpheus-voila-${notebookPath.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const existing = Array.from(app.shell.widgets('main')).find(w => w.id === id);
  if (existing) {
    app.shell.activateById(id);
    return existing as MainAreaWidget<IFrame>;
  }
  const url = voilaUrl(notebookPath);
  const frame = new IFrame({
    sandbox: ['allow-scripts', 'allow-same-origin', 'allow-forms', 'allow-popups', 'allow-downloads']
  });
  frame.addClass('orpheus-DashboardFrame');
  const iframe = frame.node.querySelector('iframe');
  iframe?.setAttribute('title', `Dashboard ${title}`);
  iframe?.addEventListener('load', () => {
    if (framedOk(iframe) === false && !frame.node.querySelector('.orpheus-FrameFallback')) {
      iframe.hidden = true;
      frame.node.append(fallback(url, title));
    }
  });
  frame.url = url;
  const widget = new MainAreaWidget({ content: frame });
  widget.id = id;
  widget.title.label = title;
  widget.title.caption = `Dashboard ${title} (Voila)`;
  widget.title.icon = dataIcon;
  widget.title.closable = true;
  app.shell.add(widget, 'main');
  app.shell.activateById(id);
  return widget;
}
