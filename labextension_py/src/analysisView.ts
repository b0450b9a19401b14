import { MainAreaWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { IAnalysis, IChart } from './api';
import { h } from './dom';
import { dataIcon } from './icons';

/** A readable summary of a project's analysis: totals, domain, each table, recommended charts. */
export class AnalysisView extends Widget {
  constructor(analysis: IAnalysis) {
    super();
    this.addClass('orpheus-AnalysisView');
    const s = analysis.summary;
    const facts: [string, unknown][] = [
      ['Files', s.total_files],
      ['Tables', s.total_tables],
      ['Rows', s.total_rows],
      ['Columns', s.total_columns],
      ['Domain', s.domain_detected ? `${s.domain_detected} (${Math.round(Number(s.domain_confidence ?? 0) * 100)} %)` : ''],
      ['Themes', (s.themes ?? []).join(', ')],
      ['Quality', s.quality_score !== undefined ? `${Math.round(Number(s.quality_score))} / 100` : ''],
      ['Analysed', `${analysis.analyzed_at} in ${analysis.duration_seconds?.toFixed?.(2) ?? '?'} s`]
    ];
    this.node.append(
      h('h1', {}, `Analysis of ${analysis.project_name}`),
      h(
        'dl',
        { className: 'orpheus-Facts' },
        ...facts
          .filter(([, v]) => v !== undefined && v !== '')
          .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])
      ),
      h('h2', {}, 'Tables'),
      this._tables(analysis.files),
      h('h2', {}, 'Recommended charts'),
      this._charts(analysis.recommended_charts ?? [])
    );
  }

  private _tables(files: Record<string, unknown>[]): HTMLElement {
    const rows = files.map(f =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, `${f.file}${f.table ? ` / ${f.table}` : ''}`),
        h('td', {}, f.status === 'ok' ? String(f.rows ?? '') : ''),
        h('td', {}, f.status === 'ok' ? String(f.columns ?? '') : ''),
        h('td', {}, f.status === 'ok' ? String(Math.round(Number(f.quality_score ?? 0))) : ''),
        h(
          'td',
          {},
          f.status === 'ok'
            ? h('ul', {}, ...((f.insights as string[]) ?? []).slice(0, 5).map(i => h('li', {}, i)))
            : h('span', { className: 'orpheus-Error' }, String(f.error ?? 'failed'))
        )
      )
    );
    return h(
      'table',
      { className: 'orpheus-Table' },
      h('thead', {}, h('tr', {}, ...['Table', 'Rows', 'Columns', 'Quality', 'Insights'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows)
    );
  }

  private _charts(charts: IChart[]): HTMLElement {
    if (!charts.length) {
      return h('p', { className: 'orpheus-Muted' }, 'No charts recommended.');
    }
    return h(
      'ol',
      { className: 'orpheus-Charts' },
      ...charts.map(c =>
        h(
          'li',
          {},
          h('strong', {}, c.title),
          ` — ${c.kind}: ${[c.y, c.x].filter(Boolean).join(' by ')}${c.aggregation !== 'none' ? ` (${c.aggregation})` : ''}`,
          h('div', { className: 'orpheus-Muted' }, c.reason)
        )
      )
    );
  }
}

export function analysisWidget(analysis: IAnalysis): MainAreaWidget<AnalysisView> {
  const widget = new MainAreaWidget({ content: new AnalysisView(analysis) });
  widget.id = `orpheus-analysis-${analysis.project_name}`;
  widget.title.label = `Analysis: ${analysis.project_name}`;
  widget.title.icon = dataIcon;
  widget.title.closable = true;
  return widget;
}
