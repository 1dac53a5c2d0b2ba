// bench/ui: the same data and the same user operations in `mlflow ui` (MLflow 3.17.2 from PyPI).
// See bench/ui/README.md, "MLflow's UI", for the routes and selectors and why these ones.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MLFLOW_VERSION, freePort, log, waitHealthy } from '../lib.mjs';
import { SHOTS, freshPage, loadSummary, resources, waitPainted } from './page.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CACHE = path.join(process.env.BENCH_DIR ?? path.join(os.homedir(), '.cache/mlproject-bench'), 'ui');
/** MLflow's UI and server telemetry off; nothing else of the environment's MLflow settings. */
export function mlflowEnv() {
  const env = { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' };
  for (const k of Object.keys(env)) if (/^(MLFLOW_(?!DISABLE_TELEMETRY)|MLPROJECT_SERVER_TOKEN)/.test(k)) delete env[k];
  return env;
}

/**
 * The seeded MLflow database for (runs, points), copied into `dir` as mlflow.db (`mlflow ui` may write
 * to it). Seeding (bench/ui/mlflow_seed.py, MLflow's SqlAlchemyStore in-process) takes minutes, so the
 * result is cached in ~/.cache/mlproject-bench/ui/ (BENCH_DIR moves it): built in a temp dir, renamed
 * when complete. Returns the seed's JSON (experiment ids, chart run id, seconds) and `cached`.
 */
export function mlflowStore(python, runs, points, dir) {
  const cached = path.join(CACHE, `mlflow-${MLFLOW_VERSION}-runs${runs}-points${points}`);
  let fromCache = existsSync(path.join(cached, 'seed.json'));
  if (!fromCache) {
    mkdirSync(CACHE, { recursive: true });
    const building = `${cached}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building);
    log(`seeding MLflow's store with ${runs} runs and ${points} points (SqlAlchemyStore, once; cached in ${cached})…`);
    let out;
    try {
      out = execFileSync(python, [path.join(HERE, 'mlflow_seed.py'), path.join(building, 'mlflow.db'), String(runs), String(points), path.join(cached, 'mlartifacts')], { encoding: 'utf8', env: mlflowEnv(), stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    } catch (error) {
      throw new Error(`mlflow_seed.py failed: ${String(error.stderr ?? error.message).trim().split('\n').slice(-5).join('\n')}`, { cause: error });
    }
    const seed = JSON.parse(out.trim().split('\n').at(-1));
    writeFileSync(path.join(building, 'seed.json'), `${JSON.stringify(seed)}\n`);
    try { renameSync(building, cached); } catch { rmSync(building, { recursive: true, force: true }); /* another bench finished first */ }
  }
  const seed = JSON.parse(readFileSync(path.join(cached, 'seed.json'), 'utf8'));
  copyFileSync(path.join(cached, 'mlflow.db'), path.join(dir, 'mlflow.db'));
  return { ...seed, cached: fromCache, db: path.join(dir, 'mlflow.db') };
}

/**
 * `python -m mlflow ui --backend-store-uri sqlite:///<db> --host 127.0.0.1 --port <free>` in its own
 * process group (uvicorn workers, job runner and huey consumers), log in `dir`; /health polled.
 * `pause`/`resume` SIGSTOP/SIGCONT the group (so it takes no CPU while the other tool is measured).
 */
export async function startMlflowUi(python, db, dir) {
  const port = await freePort();
  const logFile = path.join(dir, 'mlflow-ui.log');
  const out = createWriteStream(logFile);
  const started = performance.now();
  const child = spawn(python, ['-m', 'mlflow', 'ui', '--backend-store-uri', `sqlite:///${db}`, '--host', '127.0.0.1', '--port', String(port)], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: mlflowEnv() });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, 300);
  const startup = (performance.now() - started) / 1000;
  const group = (signal) => { try { process.kill(-child.pid, signal); } catch {} };
  const stop = async () => {
    group('SIGCONT');
    group('SIGTERM');
    for (let i = 0; i < 80; i++) {
      try { process.kill(-child.pid, 0); } catch { return; }
      await new Promise((r) => setTimeout(r, 250));
    }
    group('SIGKILL');
  };
  return { url, startup, logFile, stop, pause: () => group('SIGSTOP'), resume: () => group('SIGCONT') };
}

/** The first run of `experimentId` sorted by `orderBy` (what the table must show first after the sort). */
export async function firstRunName(url, experimentId, orderBy) {
  const res = await fetch(`${url}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [experimentId], order_by: [orderBy], max_results: 1 }) });
  if (!res.ok) throw new Error(`runs/search: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).runs[0].info.run_name;
}

/**
 * What a returning user of MLflow's runs table has in localStorage: the "Model training" workflow
 * (a fresh browser opens MLflow 3 in "GenAI" mode, where the experiment page is a traces overview), the
 * assistant panel closed (it opens by itself on a first visit), and the runs table showing the 3
 * metrics and 4 params as columns (MLflow shows none by default; mlproject shows them all).
 */
const returningUser = (experimentId) => {
  localStorage.setItem('mlflow.workflowType_v1', '"machine_learning"');
  localStorage.setItem('mlflow.assistant.panelOpen_v1', 'false');
  localStorage.setItem('mlflow.assistant.fab.autoOpenedOnFirstLoad_v1', 'true');
  if (experimentId !== null) {
    localStorage.setItem(`MLflowLocalStorage-1.1-ExperimentPage-${JSON.stringify([experimentId])}-ReactComponentState`, JSON.stringify({
      selectedColumns: ['attributes.`Source`', 'metrics.`rmse`', 'metrics.`mae`', 'metrics.`r2`', 'params.`alpha`', 'params.`l1_ratio`', 'params.`model`', 'params.`seed`'],
    }));
  }
};

const RUN_NAME_CELL = '.ag-row[row-index="0"] [col-id="attributes.`Run Name`"]';
const RMSE_HEADER = '.ag-header-cell[col-id="metrics.`rmse`"] [data-testid="sort-header-rmse"]';

/**
 * Runs table: navigation to `#/experiments/<id>/runs` → first row painted (ag-grid row 0 shows a run
 * name); then a click on the `rmse` header (MLflow sorts descending first) → row 0 is `expectedTop`
 * and the header is marked as the order. MLflow loads 100 runs a page (`runs/search` max_results 100).
 */
export async function measureMlflowTable(browser, url, seed, expectedTop, shot) {
  const { context, page, errors } = await freshPage(browser, [returningUser, seed.experimentId], [(a) => {
    const b = window.__bench;
    b.watch('firstRow', () => /run-\d+/.test(document.querySelector(a.cell)?.textContent ?? ''));
    b.watch('sorted', () => document.querySelector(a.header)?.parentElement?.classList.contains('is-ordered-by') && document.querySelector(a.cell)?.textContent?.includes(a.top));
    document.addEventListener('click', () => { b.at.click ??= { dom: performance.now() }; }, true);
  }, { cell: RUN_NAME_CELL, header: RMSE_HEADER, top: expectedTop }]);
  try {
    await page.goto(`${url}/#/experiments/${seed.experimentId}/runs`);
    await waitPainted(page, ['firstRow']);
    const load = await loadSummary(page);
    await page.click(RMSE_HEADER);
    await waitPainted(page, ['sorted']);
    const t = await page.evaluate(() => ({ at: window.__bench.at, longTasks: window.__bench.longTasks, status: /\d+ matching runs/.exec(document.body.innerText)?.[0] ?? '?', rows: document.querySelectorAll('.ag-center-cols-container .ag-row').length }));
    const searches = await resources(page, 'runs/search');
    if (shot) await page.screenshot({ path: path.join(SHOTS, 'mlflow-table-sorted.png') });
    return {
      firstRow: t.at.firstRow.painted, click: t.at.click.dom, sortedRow: t.at.sorted.painted,
      status: t.status, domRows: t.rows, searches: searches.length, load,
      sortSearch: searches.length > 1 ? { start: searches.at(-1).start, end: searches.at(-1).end } : null,
      longestTask: Math.max(0, ...t.longTasks.map((l) => l.duration)), errors,
    };
  } finally {
    await context.close();
  }
}

/** Init script: `chart` is when plotly's line holds data (at least 50 segments in its path). */
const watchPlot = () => window.__bench.watch('chart', () => {
  const d = document.querySelector('.js-plotly-plot .scatterlayer .js-line')?.getAttribute('d') ?? '';
  return (d.match(/L/g) ?? []).length >= 50;
});
/** Points given to plotly (its graph div's `data`) and points in the drawn path (plotly simplifies lines). */
const drawn = () => {
  const plot = document.querySelector('.js-plotly-plot');
  const d = plot?.querySelector('.scatterlayer .js-line')?.getAttribute('d') ?? '';
  return { given: plot?.data?.[0]?.x?.length ?? null, pathPoints: (d.match(/L/g) ?? []).length + 1 };
};

/**
 * A chart of the 100,000-point metric: `route` 'tab' is the run page's "Model metrics" tab
 * (`#/experiments/<id>/runs/<run>/model-metrics`), 'metric' the metric page (`#/metric?runs=…`,
 * what MLflow 2's run page linked a metric to). Navigation → plotly's line painted; data arrival from
 * resource timing (the last `metrics/get-history*` response); the requests and points drawn recorded.
 */
export async function measureMlflowChart(browser, url, seed, route, shot) {
  const { context, page, errors } = await freshPage(browser, [returningUser, null], [watchPlot]);
  try {
    const target = route === 'tab'
      ? `${url}/#/experiments/${seed.chartExperimentId}/runs/${seed.chartRunId}/model-metrics`
      : `${url}/#/metric?runs=${encodeURIComponent(JSON.stringify([seed.chartRunId]))}&metric=${encodeURIComponent('"loss"')}&experiments=${encodeURIComponent(JSON.stringify([seed.chartExperimentId]))}&plot_metric_keys=${encodeURIComponent('["loss"]')}&plot_layout={}&x_axis=step&y_axis_scale=linear&line_smoothness=1&show_point=false&deselected_curves=[]&last_linear_y_axis_range=[]`;
    await page.goto(target);
    await waitPainted(page, ['chart']);
    // The metric page also fetches the whole history, 25,000 points a request, one after the other
    // (for its min/max table): wait for the last page to have arrived.
    const pages = route === 'metric' ? Math.max(1, Math.ceil(seed.points / 25_000)) : 0;
    await page.waitForFunction((n) => performance.getEntriesByType('resource').filter((e) => e.name.includes('metrics/get-history?')).length >= n, pages, { timeout: 60_000 });
    const requests = await resources(page, 'metrics/get-history');
    const c = await page.evaluate(() => ({ at: window.__bench.at, longTasks: window.__bench.longTasks.map((l) => l.duration) }));
    c.drawn = await page.evaluate(drawn);
    if (shot) await page.screenshot({ path: path.join(SHOTS, `mlflow-chart-${route}.png`) });
    const sampled = requests.filter((r) => r.url.includes('get-history-bulk-interval'));
    const full = requests.filter((r) => !r.url.includes('get-history-bulk-interval'));
    return {
      painted: c.at.chart.painted, drawn: c.drawn,
      sampledArrival: sampled.length ? Math.max(...sampled.map((r) => r.end)) : null,
      fullArrival: full.length ? Math.max(...full.map((r) => r.end)) : null,
      requests, longestTask: Math.max(0, ...c.longTasks), errors,
    };
  } finally {
    await context.close();
  }
}

/** Points in the answer to one of the recorded history requests (asked again from Node, outside any timing). */
export async function pointsIn(url, request) {
  const body = await (await fetch(`${url}${request.url}`)).json();
  return body.metrics?.length ?? 0;
}
