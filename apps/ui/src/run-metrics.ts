// The Metrics panel of a run page: the latest value of each metric (a link that charts it) and the
// chart of the chosen metrics (metric-chart.ts). `show` is called with every read of the run; while
// it is live only what changed is redrawn, and a charted history that gained points is extended,
// not read again (metric-histories.ts).
import type { Metric, Run } from './api.js';
import { preferredMetrics, type ChartOptions } from './chart-options.js';
import { h } from './dom.js';
import { metricChart, type MetricChart } from './metric-chart.js';
import type { RunHistories } from './metric-histories.js';

export interface RunMetricsConfig {
  /** The chart options of the URL (no metrics: the chart picks one). */
  options: ChartOptions;
  histories: RunHistories;
  /** The URL of the page with these chart options (a metric link's href). */
  hrefFor(options: ChartOptions): string;
  /** Keeps changed chart options in the URL. */
  keep(options: ChartOptions): void;
}

export interface RunMetrics {
  element: HTMLElement;
  /** Shows the metrics of `run` (a newer read of the same run each time); resolves once the chart is drawn. */
  show(run: Run): Promise<void>;
  free(): void;
}

const signature = (metrics: (Metric | undefined)[]): string => JSON.stringify(metrics.map((m) => (m ? [m.key, m.step, m.timestamp, String(m.value)] : null)));

export function runMetrics(config: RunMetricsConfig): RunMetrics {
  const element = h('div', {});
  const tableBox = h('div', {});
  let chart: MetricChart | null = null;
  let latest = new Map<string, Metric>();
  let shownTable = '';
  let shownKeys = '';
  let drawn = '';

  const charted = (): string => signature((chart?.options().metrics ?? []).map((key) => latest.get(key)));

  function table(metrics: Metric[], current: MetricChart): HTMLElement {
    return h('table', { class: 'kv' }, h('tbody', {}, ...metrics.map((m) => {
      const options = { ...current.options(), metrics: [m.key] };
      return h('tr', {}, h('th', {}, m.key), h('td', {}, h('a', {
        href: config.hrefFor(options), title: 'chart its history', 'data-metric-link': m.key,
        onclick: (event: Event) => {
          event.preventDefault();
          void current.choose({ ...current.options(), metrics: [m.key] });
        },
      }, `${m.value} (step ${m.step})`)));
    })));
  }

  async function show(run: Run): Promise<void> {
    const metrics = [...(run.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
    latest = new Map(metrics.map((m) => [m.key, m]));
    if (metrics.length === 0) {
      if (chart === null) element.replaceChildren(h('p', { class: 'muted' }, 'No metrics (yet).'));
      return;
    }
    const keys = metrics.map((m) => m.key);
    let redraw = false;
    if (chart === null) {
      const chosen = config.options.metrics.length > 0 ? config.options.metrics : preferredMetrics(metrics);
      chart = metricChart({
        keys,
        options: { ...config.options, metrics: chosen },
        series: (options) => Promise.all(options.metrics.map(async (key) => ({ label: key, history: await config.histories.get(key, latest.get(key)) }))),
        keep: (options) => {
          config.keep(options);
          // The links keep the other chart terms, for opening in a new tab.
          for (const link of tableBox.querySelectorAll<HTMLAnchorElement>('a[data-metric-link]')) {
            link.setAttribute('href', config.hrefFor({ ...options, metrics: [link.dataset['metricLink'] ?? ''] }));
          }
        },
      });
      shownKeys = keys.join('\n');
      element.replaceChildren(tableBox, chart.element);
      redraw = true;
    } else if (keys.join('\n') !== shownKeys) {
      shownKeys = keys.join('\n');
      chart.setKeys(keys);
    }
    const tableSignature = signature(metrics);
    if (tableSignature !== shownTable) {
      shownTable = tableSignature;
      tableBox.replaceChildren(table(metrics, chart));
    }
    // Redrawn only when a charted metric's latest point changed (a live run is read every 2 s).
    if (redraw || charted() !== drawn) {
      drawn = charted();
      await chart.redraw();
    }
  }

  return { element, show, free: () => chart?.free() };
}
