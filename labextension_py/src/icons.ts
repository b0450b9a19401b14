import { LabIcon } from '@jupyterlab/ui-components';

/** The Orpheus lyre, drawn with the theme's icon colour so both themes work. */
export const orpheusIcon = new LabIcon({
  name: 'orpheus-lab:orpheus',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
    '<path d="M6 3c-1.7 2-2 5-.5 8 1 2 1.5 3.5 1.5 5v3h10v-3c0-1.5.5-3 1.5-5 1.5-3 1.2-6-.5-8l-1.4 1.1c1.2 1.5 1.4 3.7.2 6-.9 1.8-1.5 3.3-1.7 4.9H15V8h-1.5v7h-.8V7h-1.4v8h-.8V8H9v7.5h-.1c-.2-1.6-.8-3.1-1.7-4.9-1.2-2.3-1-4.5.2-6z"/>' +
    '<rect x="6" y="20" width="12" height="2" rx="1"/></g></svg>'
});

export const claudeIcon = new LabIcon({
  name: 'orpheus-lab:claude',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
    '<path d="M3 4h18a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zm1 2v12h16V6zm2 2.5 4 3.5-4 3.5-1-1.2 2.6-2.3L5 9.7zM11 15h6v1.5h-6z"/></g></svg>'
});

export const dataIcon = new LabIcon({
  name: 'orpheus-lab:data',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
    '<path d="M4 20h16v2H4zM5 12h3v7H5zm5-5h3v12h-3zm5 3h3v9h-3z"/></g></svg>'
});

export const videoIcon = new LabIcon({
  name: 'orpheus-lab:video',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
    '<path d="M3 5h13a1 1 0 0 1 1 1v3.5l4-2.5v10l-4-2.5V18a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1z"/></g></svg>'
});
