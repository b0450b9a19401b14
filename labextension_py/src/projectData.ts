/** What the side panel shows inside an expanded project, loaded per project and kept across refreshes. */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { Contents } from '@jupyterlab/services';

import { api, IDashboardSummary, INote, IProject, IVideoModel, studioApi, videoApi } from './api';
import { OrpheusError } from './request';

/** Whether the listing says a project has a Video Studio folder (so `/video` is worth asking). */
export function hasVideo(project: IProject): boolean {
  return (project.apps ?? []).includes('video') || (project.contents?.videos?.count ?? 0) > 0;
}

export class ProjectData {
  readonly notes = new Map<string, INote[]>();
  readonly data = new Map<string, Contents.IModel[]>();
  /** null for a project when the dashboards API is not on this server. */
  readonly dashboards = new Map<string, IDashboardSummary[] | null>();
  /** null for a project without a Video Studio folder. */
  readonly videos = new Map<string, IVideoModel | null>();
  /** Projects whose `/video` answered 404 once: not asked again until the listing says otherwise. */
  private _noVideo = new Set<string>();

  constructor(private _app: JupyterFrontEnd) {}

  /** Re-read one project's notes, data files, dashboards and videos. */
  async load(project: IProject): Promise<void> {
    const name = project.name;
    const [notes, data, dashboards, videos] = await Promise.all([
      api.listNotes(name).catch(() => [] as INote[]),
      this._app.serviceManager.contents
        .get(`${project.path}/data`, { content: true })
        .then(m => (m.content as Contents.IModel[]).filter(f => f.type !== 'directory'))
        .catch(() => [] as Contents.IModel[]),
      studioApi.dashboards(name).catch(error => (error instanceof OrpheusError && error.status === 404 ? null : [])),
      this._loadVideo(project)
    ]);
    this.videos.set(name, videos);
    this.notes.set(name, notes);
    this.data.set(name, data);
    this.dashboards.set(name, dashboards);
  }

  /** The Video Studio model, asked only of projects that may have one (no 404 on every refresh). */
  private async _loadVideo(project: IProject): Promise<IVideoModel | null> {
    if (this._noVideo.has(project.name) && !hasVideo(project)) {
      return null;
    }
    try {
      const model = await videoApi.model(project.name);
      this._noVideo.delete(project.name);
      return model;
    } catch (error) {
      if (error instanceof OrpheusError && error.status === 404) {
        this._noVideo.add(project.name);
        return null;
      }
      return this.videos.get(project.name) ?? null;
    }
  }
}
