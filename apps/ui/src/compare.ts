// The compare page of the runs in the URL (`#/compare?runs=<id>,<id>`): params side by side with the
// rows that differ marked `diff`, latest metrics side by side, one chart overlaying the chosen
// metrics of every run, and a line diff of each run's environment/lock.txt against the first run's.
import { diffLines } from 'diff';
import { artifactText, getMetricHistory, getRun, type Run } from './api.js';
import { renderChart, type Series } from './chart.js';
import { chartControls, preferredMetrics } from './chart-options.js';
import { errorBox, h } from './dom.js';
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
  return h('table', { class: 'compare' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), ...runs.map((r) => h('th', {}, h('a', { href: formatRoute({ page: 'run', runId: r.info.run_id, chart: { metrics: [], x: 'step', log: false, smoothing: 0 } }) }, runName(r)))))),
    h('tbody', {}, ...rows.map((row) => h('tr', { class: row.differs ? 'diff' : '', 'data-key': row.key }, h('th', {}, row.key), ...row.values.map((v) => h('td', {}, v))))));
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
  let freeChart = (): void => {};
  if (route.runIds.length < 2) {
    root.replaceChildren(h('p', { class: 'muted' }, 'Select two or more runs in a runs table, then Compare.'));
    return freeChart;
  }
  root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  void (async () => {
    const runs = await Promise.all(route.runIds.map((id) => getRun(id)));
    const params = sideBySide(runs, (r) => new Map((r.data.params ?? []).map((p) => [p.key, p.value])));
    const metrics = sideBySide(runs, (r) => new Map((r.data.metrics ?? []).map((m) => [m.key, String(m.value)])));
    const chart = h('div', { class: 'chart' });
    const lockBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const chosen = route.chart.metrics.length > 0 ? route.chart.metrics : preferredMetrics(runs.flatMap((r) => r.data.metrics ?? []));
    const options = { ...route.chart, metrics: chosen };
    root.replaceChildren(
      h('h1', {}, `Comparing ${runs.length} runs`),
      h('section', { class: 'panel' }, h('h2', {}, 'Parameters'), grid(runs, params, 'parameters')),
      h('section', { class: 'panel' }, h('h2', {}, 'Metrics (latest)'), grid(runs, metrics, 'metrics'),
        chartControls(metrics.map((m) => m.key), options, (next) => { location.hash = formatRoute({ ...route, chart: next }); }), chart),
      h('section', { class: 'panel' }, h('h2', {}, LOCK), lockBox),
    );
    void lockDiff(runs).then((el) => lockBox.replaceChildren(el), (error: unknown) => lockBox.replaceChildren(errorBox(error)));
    if (chosen.length > 0) {
      const series: Series[] = await Promise.all(runs.flatMap((run) => chosen.map(async (key) => ({
        label: chosen.length > 1 ? `${runName(run)} ${key}` : runName(run), history: await getMetricHistory(run.info.run_id, key),
      }))));
      freeChart = renderChart(chart, chosen.join(', '), series, options);
    }
  })().catch((error: unknown) => root.replaceChildren(errorBox(error)));
  return () => freeChart();
}
