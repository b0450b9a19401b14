import { MainAreaWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { videoApi } from './api';
import { videoIcon } from './icons';

/** A rendered video played with the browser's own controls (the server answers range requests). */
export function videoWidget(project: string, file: string): MainAreaWidget<Widget> {
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
  return widget;
}
