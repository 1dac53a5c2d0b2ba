// The run page: overview, provenance (source, commit, dirty tree, command, environment and its
// lock), params, latest metrics and their chart (run-metrics.ts), tags, the logs `mlproject run`
// keeps (run-logs.ts; followed every 2 s while the run is RUNNING), an artifact browser with
// previews, and the MLflow 3 logged models the run produced, each with its own browser. The chosen
// artifact is in the URL (artifact-selection.ts), beside the route's chart terms; both change the
// URL without rendering the page again.
import { getExperiment, getRun, listArtifacts, type Experiment, type KeyValue, type Run } from './api.js';
import { artifactBrowser, runArtifactSource, type ArtifactBrowser } from './artifact-browser.js';
import { hashWithSelection, selectionFromHash, type ArtifactSelection } from './artifact-selection.js';
import type { ChartOptions } from './chart-options.js';
import { errorBox, formatDuration, formatTime, h } from './dom.js';
import { modelArtifactSource, runLoggedModels, type LoggedModel } from './logged-models.js';
import { runHistories } from './metric-histories.js';
import { PROVENANCE_ARTIFACTS, provenanceTable } from './provenance.js';
import { formatRoute, type Route } from './route.js';
import { runLogs } from './run-logs.js';
import { runMetrics } from './run-metrics.js';

type RunRoute = Extract<Route, { page: 'run' }>;

/** How often a RUNNING run's status, metrics and logs are read again (ms). */
export const LIVE_REFRESH_MS = 2000;

function table(rows: [string, Node | string][], cls = 'kv'): HTMLElement {
  return h('table', { class: cls }, h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
}

function section(title: string, ...content: (Node | string)[]): HTMLElement {
  return h('section', { class: 'panel', 'data-section': title.toLowerCase().replace(/\s+/g, '-') }, h('h2', {}, title), ...content);
}

const byKey = (a: KeyValue, b: KeyValue): number => a.key.localeCompare(b.key);

/** The overview table; `experiment` is null until its name is known (the ID shows meanwhile). */
function overview(run: Run, experiment: Experiment | null): HTMLElement {
  const tag = (key: string): string => run.data.tags?.find((t) => t.key === key)?.value ?? '';
  const end = run.info.end_time ? Number(run.info.end_time) : Date.now();
  const status = run.info.status;
  const experimentId = run.info.experiment_id;
  return table([
    ['Run ID', run.info.run_id],
    ['Status', h('span', { 'data-field': 'status' }, h('span', { class: `status status-${status.toLowerCase()}` }, status),
      status === 'RUNNING' ? h('span', { class: 'muted live' }, ' · following its logs and metrics') : null)],
    ['Start time', formatTime(run.info.start_time)],
    ['Duration', run.info.start_time ? formatDuration(end - Number(run.info.start_time)) : ''],
    // MLflow clients send user_id "" and record the user in the mlflow.user tag.
    ['User', run.info.user_id || tag('mlflow.user')],
    ['Experiment', h('a', {
      href: formatRoute({ page: 'runs', experimentId, filter: '', order: 'attributes.start_time DESC' }), 'data-field': 'experiment', title: `experiment ID ${experimentId}`,
    }, experiment?.name || experimentId)],
    ['Artifact URI', run.info.artifact_uri ?? ''],
  ]);
}

function tagsTable(run: Run): HTMLElement {
  const tags = (run.data.tags ?? []).filter((t) => t.key !== 'mlflow.log-model.history').sort(byKey);
  return table(tags.map((t) => [t.key, t.value]));
}

function loggedModelFacts(model: LoggedModel): HTMLElement {
  return table([
    ['Model ID', model.model_id],
    ['Status', model.status ?? ''],
    ['Created', formatTime(model.creation_timestamp_ms)],
    ...(model.model_type ? [['Type', model.model_type] as [string, string]] : []),
    ['Artifact URI', model.artifact_uri ?? ''],
  ]);
}

/** Renders the run page into `root`; returns a function that stops following the run and frees the chart and previews. */
export function renderRunPage(root: HTMLElement, route: RunRoute): () => void {
  let left = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frees: (() => void)[] = [];
  const browsers: ArtifactBrowser[] = [];
  const title = document.title;
  let selection = selectionFromHash(location.hash);
  let chart = route.chart;
  // Everything in the URL but the artifact comes from route.ts; the artifact terms are added back.
  const hashFor = (options: ChartOptions, chosen: ArtifactSelection | null): string => hashWithSelection(formatRoute({ ...route, chart: options }), chosen);
  const choose = (chosen: ArtifactSelection): void => {
    selection = chosen;
    // pushState, not location.hash: a new hash would make main.ts render the whole page again.
    history.pushState(null, '', hashFor(chart, chosen));
  };
  // Chart options replace the URL (no history entry per tick or slider step); the chart redraws in place.
  const keepChart = (options: ChartOptions): void => {
    chart = options;
    history.replaceState(history.state, '', hashFor(options, selection));
  };

  root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  // Metrics named in the URL: their histories are fetched at once, alongside the run (a long history
  // is most of the page's wait); no metric in the URL, the chart's choice waits for the run.
  const histories = runHistories(route.runId);
  for (const key of route.chart.metrics) histories.get(key).catch(() => {});
  void (async () => {
    const first = await getRun(route.runId);
    if (left) return;
    const runId = first.info.run_id;
    document.title = first.info.run_name || runId;
    let experiment: Experiment | null = null;
    const overviewBox = h('div', {}, overview(first, null));
    let shownRun = first;
    void getExperiment(first.info.experiment_id).then((found) => {
      experiment = found;
      if (!left) overviewBox.replaceChildren(overview(shownRun, experiment));
    }, () => {});
    const provenanceBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const metrics = runMetrics({ options: route.chart, histories, hrefFor: (options) => hashFor(options, selection), keep: keepChart });
    frees.push(() => metrics.free());
    const tagsBox = h('div', {}, tagsTable(first));
    const logs = runLogs(runId);
    frees.push(() => logs.free());
    const modelsBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const runBrowser = artifactBrowser(runArtifactSource(runId), {
      emptyText: 'No artifacts.',
      hrefFor: (path) => hashFor(chart, { path }),
      onSelect: (path) => choose({ path }),
    });
    browsers.push(runBrowser);
    const artifactsPanel = section('Artifacts', runBrowser.element);
    root.replaceChildren(
      h('h1', { class: 'run-name' }, first.info.run_name || runId),
      section('Overview', overviewBox),
      section('Provenance', provenanceBox),
      section('Parameters', table((first.data.params ?? []).sort(byKey).map((p) => [p.key, p.value]))),
      section('Metrics', metrics.element),
      section('Tags', tagsBox),
      section('Logs', logs.element),
      artifactsPanel,
      section('Logged models', modelsBox),
    );

    // Which of the files the provenance panel links to this run has (one listing per directory).
    const dirs = [...new Set(PROVENANCE_ARTIFACTS.map((p) => p.split('/')[0] ?? ''))];
    const present = Promise.all(dirs.map((dir) => listArtifacts(runId, dir).catch(() => [])))
      .then((listed) => new Set(listed.flat().map((f) => f.path)));
    const openRunArtifact = (path: string): void => {
      choose({ path });
      void runBrowser.select(path).then(() => artifactsPanel.scrollIntoView({ block: 'start' }));
    };
    const showProvenance = (run: Run): void => {
      void present.then((files) => {
        if (!left) provenanceBox.replaceChildren(provenanceTable(run, { present: files, hrefFor: (path) => hashFor(chart, { path }), open: openRunArtifact }));
      });
    };
    showProvenance(first);

    await metrics.show(first).catch((error: unknown) => metrics.element.replaceChildren(errorBox(error)));
    if (left) return;

    await logs.refresh().catch((error: unknown) => logs.element.replaceChildren(errorBox(error)));
    void runLoggedModels(first).then((models) => showModels(models), (error: unknown) => modelsBox.replaceChildren(errorBox(error)));
    if (selection !== null && !selection.model) await openSelected(runBrowser, selection.path, artifactsPanel);

    // While the run is RUNNING: its status, metrics, tags and logs again every 2 s, until it ends or the page is left.
    let lastTags = JSON.stringify(first.data.tags ?? []);
    const follow = async (): Promise<void> => {
      if (left) return;
      try {
        const run = await getRun(runId);
        await logs.refresh();
        if (left) return;
        shownRun = run;
        overviewBox.replaceChildren(overview(run, experiment));
        const tags = JSON.stringify(run.data.tags ?? []);
        if (tags !== lastTags) {
          lastTags = tags;
          tagsBox.replaceChildren(tagsTable(run));
          showProvenance(run);
        }
        await metrics.show(run);
        if (run.info.status !== 'RUNNING') return;
      } catch (error) {
        overviewBox.replaceChildren(overview(shownRun, experiment), errorBox(error));
      }
      if (!left) timer = setTimeout(() => void follow(), LIVE_REFRESH_MS);
    };
    if (first.info.status === 'RUNNING') timer = setTimeout(() => void follow(), LIVE_REFRESH_MS);

    function showModels(models: LoggedModel[]): void {
      if (left) return;
      if (models.length === 0) return void modelsBox.replaceChildren(h('p', { class: 'muted' }, 'No MLflow 3 logged models name this run.'));
      modelsBox.replaceChildren(...models.map((model) => {
        const source = modelArtifactSource(model);
        const block = h('div', { class: 'logged-model', 'data-model-id': model.model_id },
          h('h3', {}, model.name ?? model.model_id), loggedModelFacts(model));
        if (source === null) {
          block.append(h('p', { class: 'muted' }, `Its files are at ${model.artifact_uri ?? '(no URI)'}, which this server does not serve.`));
          return block;
        }
        const browser = artifactBrowser(source, {
          emptyText: 'No files.',
          hrefFor: (path) => hashFor(chart, { path, model: model.model_id }),
          onSelect: (path) => choose({ path, model: model.model_id }),
        });
        browsers.push(browser);
        block.append(browser.element);
        if (selection?.model === model.model_id) void openSelected(browser, selection.path, block);
        return block;
      }));
    }
  })().catch((error: unknown) => { if (!left) root.replaceChildren(errorBox(error)); });

  return () => {
    left = true;
    clearTimeout(timer);
    document.title = title;
    for (const free of frees) free();
    for (const browser of browsers) browser.free();
  };
}

/** Selects the artifact the URL names (a cold load) and scrolls its browser into view. */
async function openSelected(browser: ArtifactBrowser, path: string, block: HTMLElement): Promise<void> {
  await browser.select(path);
  block.scrollIntoView({ block: 'start' });
}
