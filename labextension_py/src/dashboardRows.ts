import { Notification } from '@jupyterlab/apputils';
import { editIcon, shareIcon, tabIcon, undoIcon } from '@jupyterlab/ui-components';

import { IDashboardSummary, ILLMStatus, IProject, llmStatus, studioApi } from './api';
import { openDashboardPanel, openDashboardTab } from './dashboards';
import { clip, h, iconButton, timeLabel } from './dom';
import { endEdit, IEditState, startEdit } from './logic/edit';
import { plural } from './logic/words';
import { notifyError } from './notify';
import { actions, section } from './rows';
import { IStudioHost } from './studio';

/**
 * A project's Dashboards section: generate, open (new tab or Lab panel), undo,
 * share, and "change in words" (an edit box per dashboard with the streamed
 * progress; the server's message instead of the box when AI is off).
 */
export class DashboardRows {
  /** Dashboards (`project/id`) whose edit box is open, their drafts and edit progress. */
  private _editing = new Set<string>();
  private _drafts = new Map<string, string>();
  private _edits = new Map<string, IEditState>();
  /** Whether AI is on here (asked when an edit box first opens). */
  private _ai: ILLMStatus | null = null;

  constructor(private _host: IStudioHost) {}

  section(project: IProject, dashboards: IDashboardSummary[]): HTMLElement {
    return section(
      'Dashboards',
      [iconButton(`Generate a dashboard for ${project.name}`, 'Generate', () => void this._generate(project))],
      dashboards.map(d => {
        // Root-relative since the listing carries render_url; project-relative before that.
        const notebook = d.notebook.startsWith(`${project.path}/`) ? d.notebook : `${project.path}/${d.notebook}`;
        const title = d.title || d.id;
        const key = `${project.name}/${d.id}`;
        return h(
          'li',
          { className: 'orpheus-Row orpheus-DashboardRow', 'data-dashboard': d.id },
          h(
            'button',
            {
              type: 'button',
              className: 'orpheus-Row-main',
              'data-key': `dashboard:${d.id}`,
              title: `Open "${title}" as a Voila app in a new browser tab`,
              onclick: () => void openDashboardTab(notebook)
            },
            clip(title),
            h('span', { className: 'orpheus-Muted' }, `${plural(d.widgets, 'widget')} · `, timeLabel(d.updated_at, ''))
          ),
          actions(
            iconButton(
              `Open ${title} in a JupyterLab panel`,
              tabIcon,
              () => void openDashboardPanel(this._host.app, notebook, title)
            ),
            iconButton(`Change ${title} in words`, editIcon, () => void this._toggleEdit(key)),
            d.undo_available
              ? iconButton(`Undo the last change to ${title}`, undoIcon, () => void this._undo(project.name, d.id))
              : null,
            iconButton(
              `Share ${title}`,
              shareIcon,
              () => void this._host.share('dashboard', `${project.path}/dashboards/${d.id}.json`, title)
            )
          ),
          this._editing.has(key) ? this._editBox(project.name, d.id, title, d.undo_available > 0) : null
        );
      }),
      'No dashboards.'
    );
  }

  private async _toggleEdit(key: string): Promise<void> {
    if (this._editing.has(key)) {
      this._editing.delete(key);
    } else {
      this._ai = await llmStatus(true);
      this._editing.add(key);
    }
    this._host.render();
    this._host.list.querySelector<HTMLElement>(`[data-key="${CSS.escape(`edit:${key}`)}"]`)?.focus();
  }

  /** A text box, Apply, the streamed progress list, and Undo. */
  private _editBox(project: string, id: string, title: string, undo: boolean): HTMLElement {
    const key = `${project}/${id}`;
    const state = this._edits.get(key);
    if (this._ai && !this._ai.enabled) {
      return h(
        'div',
        { className: 'orpheus-Edit', 'data-edit': key },
        h(
          'p',
          { className: 'orpheus-Notice', role: 'note', 'data-key': `edit:${key}`, tabindex: -1 },
          this._ai.message ||
            'AI features are not available on this server, so dashboards cannot be changed in words here.'
        )
      );
    }
    const input = h('input', {
      type: 'text',
      className: 'orpheus-Edit-input',
      'data-key': `edit:${key}`,
      'aria-label': `Describe a change to ${title}`,
      placeholder: 'e.g. make the revenue chart a bar chart',
      value: this._drafts.get(key) ?? '',
      oninput: (ev: Event) => void this._drafts.set(key, (ev.target as HTMLInputElement).value)
    }) as HTMLInputElement;
    const running = !!state?.running;
    return h(
      'div',
      { className: 'orpheus-Edit', 'data-edit': key },
      h(
        'form',
        {
          className: 'orpheus-Edit-form',
          'aria-label': `Change ${title} in words`,
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            void this._edit(project, id, input.value);
          }
        },
        input,
        h(
          'button',
          { type: 'submit', className: 'jp-Button jp-mod-minimal orpheus-TextButton', disabled: running },
          'Apply'
        ),
        undo && !running
          ? h(
              'button',
              {
                type: 'button',
                className: 'jp-Button jp-mod-minimal orpheus-TextButton',
                'aria-label': `Undo the last change to ${title}`,
                onclick: () => void this._undo(project, id)
              },
              'Undo'
            )
          : null
      ),
      state ? this._editProgress(state) : null
    );
  }

  private _editProgress(state: IEditState): HTMLElement {
    return h(
      'div',
      { className: 'orpheus-Edit-progress' },
      h(
        'ol',
        { className: 'orpheus-Edit-steps', role: 'log', 'aria-label': 'Edit progress' },
        ...state.steps.map(s =>
          h(
            'li',
            { className: `orpheus-mod-${s.ok === false ? 'failed' : s.ok ? 'ok' : s.kind}` },
            `${s.ok === false ? '✗ ' : s.ok ? '✓ ' : ''}${s.text}`
          )
        )
      ),
      state.text ? h('p', { className: 'orpheus-Edit-text' }, state.text) : null,
      state.running ? h('p', { className: 'orpheus-Muted', role: 'status' }, 'Working…') : null,
      !state.running && state.changed !== null
        ? h(
            'p',
            { className: 'orpheus-Muted', role: 'status' },
            state.changed ? 'Saved as a new version.' : 'Nothing was changed.'
          )
        : null,
      state.error ? h('p', { className: 'orpheus-Error', role: 'alert' }, state.error) : null
    );
  }

  private _showEdit(key: string, state: IEditState): void {
    this._edits.set(key, state);
    const box = this._host.list.querySelector(`[data-edit="${CSS.escape(key)}"]`);
    if (!box) {
      return;
    }
    box.querySelector('.orpheus-Edit-progress')?.remove();
    box.append(this._editProgress(state));
    box.querySelectorAll<HTMLButtonElement>('button[type="submit"]').forEach(b => (b.disabled = state.running));
  }

  private async _edit(project: string, id: string, request: string): Promise<void> {
    const key = `${project}/${id}`;
    if (!request.trim() || this._edits.get(key)?.running) {
      return;
    }
    let state = startEdit();
    this._showEdit(key, state);
    try {
      state = await studioApi.editInWords(project, id, request.trim(), next => {
        state = next;
        this._showEdit(key, next);
      });
      this._showEdit(key, state);
      if (state.error) {
        Notification.error(state.error, { autoClose: 10000 });
      } else if (state.changed) {
        this._drafts.delete(key);
      }
    } catch (error) {
      this._showEdit(key, { ...endEdit(state), error: error instanceof Error ? error.message : String(error) });
      notifyError(error, 'The edit failed');
    }
    await this._host.refresh();
  }

  private async _generate(project: IProject): Promise<void> {
    try {
      const dashboard = await studioApi.generate(project.name);
      const title = String(dashboard.spec.title ?? dashboard.spec.id);
      openDashboardPanel(this._host.app, dashboard.notebook, title);
      // A new browser tab needs a click of the user's own (popup blockers).
      Notification.success(`Dashboard "${title}" generated.`, {
        autoClose: 8000,
        actions: [{ label: 'Open in a new tab', callback: () => void openDashboardTab(dashboard.notebook) }]
      });
    } catch (error) {
      notifyError(error, 'Could not generate a dashboard');
    }
    await this._host.refresh();
  }

  private async _undo(project: string, id: string): Promise<void> {
    try {
      await studioApi.undo(project, id);
    } catch (error) {
      notifyError(error, 'Could not undo');
    }
    await this._host.refresh();
  }
}
