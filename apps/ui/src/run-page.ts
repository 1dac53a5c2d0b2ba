// The run page: overview, params, latest metrics (each links to its chart), tags, the logs that
// `mlproject run` stores as artifacts (logs/stdout.txt, logs/stderr.txt), and the artifact root.
import { artifactText, artifactUrl, getMetricHistory, getRun, listArtifacts, type KeyValue, type Run } from './api.js';
import { renderChart } from './chart.js';
import { chartControls } from './chart-options.js';
import { errorBox, formatDuration, formatTime, h } from './dom.js';
import { formatRoute, type Route } from './route.js';

type RunRoute = Extract<Route, { page: 'run' }>;

function table(rows: [string, Node | string][], cls = 'kv'): HTMLElement {
  return h('table', { class: cls }, h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
}

function section(title: string, ...content: (Node | string)[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...content);
}

const byKey = (a: KeyValue, b: KeyValue): number => a.key.localeCompare(b.key);

function overview(run: Run): HTMLElement {
  const tag = (key: string): string => run.data.tags?.find((t) => t.key === key)?.value ?? '';
  const end = run.info.end_time ? Number(run.info.end_time) : Date.now();
  return table([
    ['Run ID', run.info.run_id],
    ['Status', run.info.status],
    ['Start time', formatTime(run.info.start_time)],
    ['Duration', run.info.start_time ? formatDuration(end - Number(run.info.start_time)) : ''],
    ['User', run.info.user_id ?? tag('mlflow.user')],
    ['Source', tag('mlflow.source.name')],
    ['Git commit', tag('mlflow.source.git.commit')],
    ['Entry point', tag('mlflow.project.entryPoint')],
    ['Experiment', h('a', { href: formatRoute({ page: 'runs', experimentId: run.info.experiment_id, filter: '', order: 'attributes.start_time DESC' }) }, run.info.experiment_id)],
    ['Artifact URI', run.info.artifact_uri ?? ''],
  ]);
}

async function logs(runId: string): Promise<HTMLElement> {
  const [stdout, stderr] = await Promise.all([artifactText(runId, 'logs/stdout.txt'), artifactText(runId, 'logs/stderr.txt')]);
  if (stdout === null && stderr === null) return h('p', { class: 'muted' }, 'No logs/stdout.txt or logs/stderr.txt for this run.');
  return h('div', {},
    stdout !== null ? h('details', { open: '' }, h('summary', {}, 'stdout'), h('pre', { class: 'log', 'data-log': 'stdout' }, stdout)) : null,
    stderr !== null ? h('details', { open: '' }, h('summary', {}, 'stderr'), h('pre', { class: 'log', 'data-log': 'stderr' }, stderr)) : null);
}

async function artifacts(runId: string, path = ''): Promise<HTMLElement> {
  const files = await listArtifacts(runId, path);
  if (files.length === 0) return h('p', { class: 'muted' }, path === '' ? 'No artifacts.' : 'Empty.');
  return h('ul', { class: 'artifacts' }, ...files.map((f) => {
    const name = f.path.split('/').pop() ?? f.path;
    if (!f.is_dir) return h('li', {}, h('a', { href: artifactUrl(runId, f.path), target: '_blank' }, name), h('span', { class: 'muted' }, ` ${f.file_size ?? ''} B`));
    const item = h('li', {});
    const toggle = h('a', { href: '#', onclick: (event: Event) => {
      event.preventDefault();
      if (item.children.length > 1) return void item.lastElementChild?.remove();
      void artifacts(runId, f.path).then((list) => item.append(list), (error: unknown) => item.append(errorBox(error)));
    } }, `${name}/`);
    item.append(toggle);
    return item;
  }));
}

/** Renders the run page into `root`; returns a function that frees its chart. */
export function renderRunPage(root: HTMLElement, route: RunRoute): () => void {
  let freeChart = (): void => {};
  root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  void (async () => {
    const run = await getRun(route.runId);
    const metrics = [...(run.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
    const chart = h('div', { class: 'chart' });
    const metricRows: [string, Node | string][] = metrics.map((m) => [m.key, h('a', { href: formatRoute({ ...route, chart: { ...route.chart, metrics: [m.key] } }), title: 'chart its history' }, `${m.value} (step ${m.step})`)]);
    const tags = (run.data.tags ?? []).filter((t) => t.key !== 'mlflow.log-model.history').sort(byKey);
    const logsBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const artifactsBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    root.replaceChildren(
      h('h1', {}, run.info.run_name ?? run.info.run_id),
      section('Overview', overview(run)),
      section('Parameters', table((run.data.params ?? []).sort(byKey).map((p) => [p.key, p.value]))),
      section('Metrics', table(metricRows), chart),
      section('Tags', table(tags.map((t) => [t.key, t.value]))),
      section('Logs', logsBox),
      section('Artifacts', artifactsBox),
    );
    const chosen = route.chart.metrics.length > 0 ? route.chart.metrics : metrics.slice(0, 1).map((m) => m.key);
    const options = { ...route.chart, metrics: chosen };
    chart.before(chartControls(metrics.map((m) => m.key), options, (next) => { location.hash = formatRoute({ ...route, chart: next }); }));
    if (chosen.length > 0) {
      const histories = await Promise.all(chosen.map((key) => getMetricHistory(route.runId, key)));
      freeChart = renderChart(chart, chosen.join(', '), chosen.map((key, i) => ({ label: key, history: histories[i] ?? [] })), options);
    }
    void logs(route.runId).then((el) => logsBox.replaceChildren(el), (error: unknown) => logsBox.replaceChildren(errorBox(error)));
    void artifacts(route.runId).then((el) => artifactsBox.replaceChildren(el), (error: unknown) => artifactsBox.replaceChildren(errorBox(error)));
  })().catch((error: unknown) => root.replaceChildren(errorBox(error)));
  return () => freeChart();
}
