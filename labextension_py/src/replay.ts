import { MainAreaWidget } from '@jupyterlab/apputils';
import { historyIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as AsciinemaPlayer from 'asciinema-player';
import 'asciinema-player/dist/bundle/asciinema-player.css';

import { api, ISession } from './api';

/** A session's terminal recording (asciicast v2) replayed with asciinema-player. */
export class ReplayView extends Widget {
  private _player: AsciinemaPlayer.Player | null = null;

  constructor(cast: string) {
    super();
    this.addClass('orpheus-Replay');
    const host = document.createElement('div');
    host.className = 'orpheus-Replay-player';
    this.node.appendChild(host);
    this._player = AsciinemaPlayer.create({ data: cast }, host, { fit: 'width', idleTimeLimit: 2, controls: true });
  }

  dispose(): void {
    this._player?.dispose();
    this._player = null;
    super.dispose();
  }
}

/** Fetch the recording (with the user's auth) and open the replay as a Lab panel. */
export async function openReplay(session: ISession): Promise<MainAreaWidget<ReplayView>> {
  const cast = await api.sessionRecording(session.id);
  const widget = new MainAreaWidget({ content: new ReplayView(cast) });
  widget.id = `orpheus-replay-${session.id}-${Date.now()}`;
  widget.title.label = `Replay: ${session.title}`;
  widget.title.icon = historyIcon;
  widget.title.closable = true;
  return widget;
}
