import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { IAnalysis, IChart } from './api';
import { h, timeLabel } from './dom';
import { dataIcon } from './icons';
import { InsightsSection } from './insights';
import { describeMissing, missingByColumn } from './logic/missing';
import { plural } from './logic/words';

const count = (value: unknown): string =>
  typeof value === 'number' ? value.toLocaleString('en-US') : String(value ?? '');

/** A readable summary of a project's analysis: totals, domain, each table, recommended charts. */
export class AnalysisView extends Widget {
  constructor(analysis: IAnalysis, app?: JupyterFrontEnd) {
    super();
    this.addClass('orpheus-AnalysisView');
    const s = analysis.summary;
    const facts: [string, unknown][] = [
      ['Files', count(s.total_files)],
      ['Tables', count(s.total_tables)],
      ['Rows', count(s.total_rows)],
      ['Columns', count(s.total_columns)],
      [
        'Domain',
        s.domain_detected ? `${s.domain_detected} (${Math.round(Number(s.domain_confidence ?? 0) * 100)} %)` : ''
      ],
      ['Themes', (s.themes ?? []).join(', ')],
      ['Quality', s.quality_score !== undefined ? `${Math.round(Number(s.quality_score))} / 100` : ''],
      [
        'Analysed',
        h(
          'span',
          {},
          timeLabel(analysis.analyzed_at, ''),
          ` (took ${analysis.duration_seconds?.toFixed?.(1) ?? '?'} s)`
        )
      ]
    ];
    const insights = app ? new InsightsSection(app, analysis.project_name) : null;
    const parts: (HTMLElement | null)[] = [
      h('h1', {}, `Analysis of ${analysis.project_name}`),
      h(
        'dl',
        { className: 'orpheus-Facts' },
        ...facts
          .filter(([, v]) => v !== undefined && v !== '')
          .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v instanceof HTMLElement ? v : String(v))])
      ),
      insights?.node ?? null,
      h('h2', {}, 'Tables'),
      this._tables(analysis.files),
      this._missing(analysis.files),
      h('h2', {}, 'Recommended charts'),
      this._charts(analysis.recommended_charts ?? [])
    ];
    this.node.append(...parts.filter((p): p is HTMLElement => p !== null));
    void insights?.load();
  }

  /** Per column, its missing values (only when the analysis result carries them). */
  private _missing(files: Record<string, unknown>[]): HTMLElement | null {
    const tables = files
      .filter(f => f.status === 'ok')
      .map(f => ({ name: `${f.file}${f.table ? ` / ${f.table}` : ''}`, cols: missingByColumn(f) }))
      .filter(t => t.cols);
    if (!tables.length) {
      return null;
    }
    return h(
      'section',
      { className: 'orpheus-Missing', 'aria-label': 'Missing values per column' },
      h('h2', {}, 'Missing values per column'),
      ...tables.map(t => {
        const cols = t.cols ?? [];
        const gaps = cols.filter(c => (c.count ?? 0) > 0 || (c.share ?? 0) > 0);
        return h(
          'details',
          { className: 'orpheus-Missing-table', open: gaps.length > 0 },
          h(
            'summary',
            {},
            `${t.name}: ${gaps.length ? `${plural(gaps.length, 'column')} with missing values` : 'no missing values'}`
          ),
          h(
            'table',
            { className: 'orpheus-Table', 'aria-label': `Missing values per column of ${t.name}` },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Column'),
                h('th', { scope: 'col' }, 'Missing'),
                h('th', { scope: 'col' }, '')
              )
            ),
            h(
              'tbody',
              {},
              ...cols.map(c =>
                h(
                  'tr',
                  { className: (c.count ?? 0) > 0 || (c.share ?? 0) > 0 ? 'orpheus-mod-gap' : '' },
                  h('th', { scope: 'row' }, c.name),
                  h('td', {}, describeMissing(c)),
                  h(
                    'td',
                    {},
                    h('meter', {
                      min: 0,
                      max: 1,
                      low: 0.05,
                      high: 0.2,
                      optimum: 0,
                      value: c.share ?? 0,
                      'aria-label': `Share of ${c.name} missing`
                    })
                  )
                )
              )
            )
          )
        );
      })
    );
  }

  private _tables(files: Record<string, unknown>[]): HTMLElement {
    const rows = files.map(f =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, `${f.file}${f.table ? ` / ${f.table}` : ''}`),
        h('td', {}, f.status === 'ok' ? count(f.rows) : ''),
        h('td', {}, f.status === 'ok' ? count(f.columns) : ''),
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
      h(
        'thead',
        {},
        h('tr', {}, ...['Table', 'Rows', 'Columns', 'Quality', 'Insights'].map(c => h('th', { scope: 'col' }, c)))
      ),
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

export function analysisWidget(analysis: IAnalysis, app?: JupyterFrontEnd): MainAreaWidget<AnalysisView> {
  const widget = new MainAreaWidget({ content: new AnalysisView(analysis, app) });
  widget.id = `orpheus-analysis-${analysis.project_name}`;
  widget.title.label = `Analysis: ${analysis.project_name}`;
  widget.title.icon = dataIcon;
  widget.title.closable = true;
  return widget;
}
