// The compare page of the runs in the URL (`#/compare?runs=<id>,<id>`): params side by side with the
// rows that differ marked `diff`, latest metrics side by side, one chart overlaying the chosen
// metrics of every run, and a line diff of each run's environment/lock.txt against the first run's.
// Chart options change the chart in place and the URL with history.replaceState (metric-chart.ts).
import { diffLines } from 'diff';
import { artifactText, getRun, type Run } from './api.js';
import type { Series } from './chart.js';
import { preferredMetrics, type ChartOptions } from './chart-options.js';
import { errorBox, h } from './dom.js';
import { metricChart, type MetricChart } from './metric-chart.js';
import { runHistories } from './metric-histories.js';
import { formatRoute, type Route } from './route.js';

type CompareRoute = Extract<Route, { page: 'compare' }>;

const LOCK = 'environment/lock.txt';
const runName = (run: Run): string => run.info.run_name ?? run.info.run_id;

/** Rows of `key -> one value per run` ('' when a run lacks the key), keys sorted. */
export function sideBySide(runs: Run[], values: (run: Run) => Map<string, string>): { key: string; values: string[]; differs: boolean }[] {
  const maps = runs.map(values);
  const keys = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  return keys.map((key) => {
    const row = maps.map((m) => m.get(key) ?? '');
    return { key, values: row, differs: new Set(row).size > 1 };
  });
}

function grid(runs: Run[], rows: ReturnType<typeof sideBySide>, kind: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, `No ${kind}.`);
  return h('div', { class: 'compare-scroll' }, h('table', { class: 'compare' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), ...runs.map((r) => h('th', {}, h('a', { href: formatRoute({ page: 'run', runId: r.info.run_id, chart: { metrics: [], x: 'step', log: false, smoothing: 0 } }) }, runName(r)))))),
    h('tbody', {}, ...rows.map((row) => h('tr', { class: row.differs ? 'diff' : '', 'data-key': row.key }, h('th', {}, row.key), ...row.values.map((v) => h('td', {}, v)))))));
}

async function lockDiff(runs: Run[]): Promise<HTMLElement> {
  const locks = await Promise.all(runs.map((r) => artifactText(r.info.run_id, LOCK)));
  const base = locks[0] ?? null;
  const others = locks.slice(1);
  const baseRun = runs[0] as Run;
  const blocks = others.map((other, i) => {
    const run = runs[i + 1] as Run;
    const title = h('h3', {}, `${runName(baseRun)} → ${runName(run)}`);
    if (base === null || other === null) {
      const missing = [base === null ? runName(baseRun) : null, other === null ? runName(run) : null].filter(Boolean).join(', ');
      return h('div', { class: 'lock-diff' }, title, h('p', { class: 'muted' }, `no lock recorded (${missing})`));
    }
    const parts = diffLines(base, other);
    if (parts.every((p) => !p.added && !p.removed)) return h('div', { class: 'lock-diff' }, title, h('p', { class: 'muted' }, 'identical'));
    return h('div', { class: 'lock-diff' }, title, h('pre', { class: 'diff-lines' }, ...parts.flatMap((p) =>
      p.value.replace(/\n$/, '').split('\n').map((line) => h('div', { class: p.added ? 'added' : p.removed ? 'removed' : 'same' }, `${p.added ? '+' : p.removed ? '-' : ' '} ${line}`)))));
  });
  return h('div', {}, ...blocks);
}

/** Renders the compare page into `root`; returns a function that frees its chart. */
export function renderCompare(root: HTMLElement, route: CompareRoute): () => void {
  let chart: MetricChart | null = null;
  let left = false;
  const title = document.title;
  const leave = (): void => {
    left = true;
    chart?.free();
    document.title = title;
  };
  if (route.runIds.length < 2) {
    root.replaceChildren(h('p', { class: 'muted' }, 'Select two or more runs in a runs table, then Compare.'));
    return leave;
  }
  document.title = `Compare ${route.runIds.length} runs`;
  root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  void (async () => {
    const runs = await Promise.all(route.runIds.map((id) => getRun(id)));
    if (left) return;
    const params = sideBySide(runs, (r) => new Map((r.data.params ?? []).map((p) => [p.key, p.value])));
    const metrics = sideBySide(runs, (r) => new Map((r.data.metrics ?? []).map((m) => [m.key, String(m.value)])));
    const lockBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const chosen = route.chart.metrics.length > 0 ? route.chart.metrics : preferredMetrics(runs.flatMap((r) => r.data.metrics ?? []));
    const histories = runs.map((run) => ({ run, histories: runHistories(run.info.run_id) }));
    chart = metricChart({
      keys: metrics.map((m) => m.key),
      options: { ...route.chart, metrics: chosen },
      series: (options: ChartOptions) => Promise.all(histories.flatMap(({ run, histories: of }) => options.metrics.map(async (key): Promise<Series> => ({
        label: options.metrics.length > 1 ? `${runName(run)} ${key}` : runName(run), history: await of.get(key),
      })))),
      // No history entry per change; the URL stays the whole state.
      keep: (options) => history.replaceState(history.state, '', formatRoute({ ...route, chart: options })),
    });
    root.replaceChildren(
      h('h1', {}, `Comparing ${runs.length} runs`),
      h('section', { class: 'panel' }, h('h2', {}, 'Parameters'), grid(runs, params, 'parameters')),
      h('section', { class: 'panel', 'data-section': 'metrics' }, h('h2', {}, 'Metrics (latest)'), grid(runs, metrics, 'metrics'), metrics.length > 0 ? chart.element : null),
      h('section', { class: 'panel' }, h('h2', {}, LOCK), lockBox),
    );
    void lockDiff(runs).then((el) => lockBox.replaceChildren(el), (error: unknown) => lockBox.replaceChildren(errorBox(error)));
    if (metrics.length > 0) await chart.redraw();
  })().catch((error: unknown) => { if (!left) root.replaceChildren(errorBox(error)); });
  return leave;
}
