import { MainAreaWidget, ToolbarButton } from '@jupyterlab/apputils';
import { downloadIcon, shareIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { videoApi } from './api';
import { videoIcon } from './icons';
import { download } from './rows';

/**
 * A rendered video played with the browser's own controls (the server answers
 * range requests), with Download and, given `share`, Share in its toolbar.
 */
export function videoWidget(project: string, file: string, share?: () => void): MainAreaWidget<Widget> {
  const content = new Widget();
  content.addClass('orpheus-Video');
  const video = document.createElement('video');
  video.controls = true;
  video.preload = 'metadata';
  video.src = videoApi.renderUrl(project, file);
  video.setAttribute('aria-label', `Video ${file} of project ${project}`);
  content.node.appendChild(video);
  const widget = new MainAreaWidget({ content });
  widget.id = `orpheus-video-${project}-${file}`.replace(/[^A-Za-z0-9_-]/g, '-');
  widget.title.label = file;
  widget.title.icon = videoIcon;
  widget.title.closable = true;
  widget.toolbar.addItem(
    'download',
    new ToolbarButton({
      icon: downloadIcon,
      label: 'Download',
      tooltip: `Download ${file}`,
      onClick: () => download(video.src)
    })
  );
  if (share) {
    widget.toolbar.addItem(
      'share',
      new ToolbarButton({ icon: shareIcon, label: 'Share', tooltip: `Share ${file}`, onClick: share })
    );
  }
  return widget;
}
