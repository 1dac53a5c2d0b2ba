#!/usr/bin/env node
// bench/ui: the web UI of `mlproject ui` in Debian's Chromium (playwright-core) over a SQLite store
// with 10,000 runs and one run with a 100,000-point metric, and the same data and operations in
// `mlflow ui` (MLflow 3.17.2 from PyPI) for the ratios. Prints figures; asserts nothing.
// See bench/ui/README.md for what is measured.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MLFLOW_VERSION, REPO as root, gitCommit, log, mlflowPython, nonNegativeInt, parseCli } from '../lib.mjs';
import { firstRunName, measureMlflowChart, measureMlflowTable, mlflowStore, pointsIn, startMlflowUi } from './mlflow.mjs';
import { SHOTS, freshPage, launch, loadSummary, waitPainted } from './page.mjs';
import { report } from './report.mjs';

const cliOptions = {
  runs: { type: 'string' },
  points: { type: 'string' },
  reps: { type: 'string' },
  'scroll-frames': { type: 'string' },
  chromium: { type: 'string' },
  mlflow: { type: 'boolean' },
  'no-mlflow': { type: 'boolean' },
  json: { type: 'string' },
};
let opts, RUNS, POINTS, REPS, FRAMES;
try {
  opts = parseCli(process.argv.slice(2), cliOptions, 'node bench/ui/run.mjs [--runs 10000] [--points 100000] [--reps 5] [--scroll-frames 300] [--chromium /usr/bin/chromium] [--mlflow (default) | --no-mlflow] [--json out.json]');
  RUNS = nonNegativeInt('--runs', opts.runs, 10_000);
  POINTS = nonNegativeInt('--points', opts.points, 100_000);
  REPS = Math.max(1, nonNegativeInt('--reps', opts.reps, 5));
  FRAMES = nonNegativeInt('--scroll-frames', opts['scroll-frames'], 300);
  if (RUNS < 1 || POINTS < 1) throw new Error('--runs and --points must be at least 1');
} catch (error) {
  console.error(`[bench] ${error.message} (--help lists the flags)`);
  process.exit(2);
}
const CHROMIUM = opts.chromium ?? process.env.MLPROJECT_TEST_CHROMIUM ?? '/usr/bin/chromium';
const WITH_MLFLOW = !opts['no-mlflow'];

const loadBefore = os.loadavg();
const cli = path.join(root, 'apps/cli/dist/mlproject.mjs');
if (!existsSync(path.join(root, 'apps/ui/node_modules/playwright-core'))) {
  log('installing and building (./setup)…');
  const setup = spawnSync(path.join(root, 'setup'), [], { cwd: root, stdio: 'inherit' });
  if (setup.status !== 0) process.exit(setup.status ?? 1);
} else if (!existsSync(cli) || !existsSync(path.join(root, 'apps/cli/dist/ui/index.html')) || !existsSync(path.join(root, 'packages/tracking-sqlite/dist/index.js'))) {
  log('building (pnpm run build)…');
  const built = spawnSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
// playwright-core is a devDependency of apps/ui, not of the root.
const { chromium } = createRequire(path.join(root, 'apps/ui/package.json'))('playwright-core');
const { openSqliteStore } = await import(pathToFileURL(path.join(root, 'packages/tracking-sqlite/dist/index.js')).href);

const ms = (x) => Math.round(x * 10) / 10;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
const stats = (xs) => ({ median: ms(median(xs)), max: ms(Math.max(...xs)), all: xs.map(ms) });
const last = (a) => a[a.length - 1];

// ---- mlproject's store --------------------------------------------------------------------------
/** Experiment `bench-10k` with RUNS runs, experiment `bench-chart` with one POINTS-point metric `loss`. */
async function seedMlproject(dbPath) {
  let t0 = performance.now();
  const store = await openSqliteStore(dbPath);
  const experimentId = await store.createExperiment('bench-10k');
  const chartExperimentId = await store.createExperiment('bench-chart');
  const base = Date.now() - RUNS * 60_000;
  for (let i = 0; i < RUNS; i++) {
    const start = base + i * 60_000;
    const run = await store.createRun({ experimentId, userId: 'bench', startTime: start, tags: [], runName: `run-${String(i).padStart(5, '0')}` });
    const id = run.info.runId;
    const alpha = (i % 100) / 100;
    await store.logBatch(id, {
      params: [{ key: 'alpha', value: String(alpha) }, { key: 'l1_ratio', value: String((i % 7) / 7) }, { key: 'seed', value: String(i) }, { key: 'model', value: i % 2 ? 'elasticnet' : 'ridge' }],
      metrics: [
        { key: 'rmse', value: 0.5 + Math.sin(i) * 0.3, timestamp: start + 1000, step: 9 },
        { key: 'mae', value: 0.4 + Math.cos(i) * 0.2, timestamp: start + 1000, step: 9 },
        { key: 'r2', value: 0.8 - alpha / 4, timestamp: start + 1000, step: 9 },
      ],
      tags: [{ key: 'mlflow.source.name', value: 'examples/sklearn-linear/train.py' }],
    });
    await store.updateRun(id, { status: 'FINISHED', endTime: start + 42_000 });
  }
  const seedRuns = performance.now() - t0;
  t0 = performance.now();
  const chartRun = await store.createRun({ experimentId: chartExperimentId, userId: 'bench', startTime: Date.now(), tags: [], runName: 'long-training' });
  const chartRunId = chartRun.info.runId;
  for (let s = 0; s < POINTS; s += 1000) {
    const metrics = [];
    for (let step = s; step < Math.min(POINTS, s + 1000); step++) metrics.push({ key: 'loss', value: 1 / (1 + step / 1000) + Math.random() * 0.05, timestamp: base + step, step });
    await store.logBatch(chartRunId, { metrics });
  }
  await store.updateRun(chartRunId, { status: 'FINISHED', endTime: Date.now() });
  const seedPoints = performance.now() - t0;
  await store.close();
  return { experimentId, chartRunId, seedRuns, seedPoints };
}

/** `./mlproject ui --port 0` in its own process group; the URL is read from its first line. */
async function startMlproject(dbPath, dir) {
  const server = spawn(path.join(root, 'mlproject'), ['ui', '--port', '0', '--backend-store-uri', `sqlite:///${dbPath}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      out += chunk.toString();
      const match = /at (http:\/\/\S+) /.exec(out);
      if (match) resolve(match[1]);
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', () => reject(new Error(`mlproject ui exited: ${out}`)));
  });
  const group = (signal) => { try { process.kill(-server.pid, signal); } catch {} };
  return { url, pause: () => group('SIGSTOP'), resume: () => group('SIGCONT'), stop: () => { group('SIGCONT'); group('SIGTERM'); } };
}

// ---- mlproject's page, one repetition -----------------------------------------------------------
async function measureMlproject(browser, url, ids, shot) {
  // Runs table: a fresh context (cold HTTP cache) each time, straight to the experiment's URL.
  const t = await freshPage(browser, [() => {
    const b = window.__bench;
    b.watch('firstRow', () => document.querySelector('.runs-spacer .row') !== null);
    b.watch('sorted', () => document.querySelector('.row.head .cell.sorted[data-column="metric:rmse"]') !== null && document.querySelector('.runs-spacer .row') !== null);
    b.watch('sortedAll', () => document.querySelector('.row.head .cell.sorted[data-column="metric:rmse"]') !== null && /^\d+ runs/.test(document.querySelector('.table-status')?.textContent ?? ''));
    document.addEventListener('click', () => { b.at.click ??= { dom: performance.now() }; }, true);
  }]);
  const page = t.page;
  await page.goto(`${url}/#/experiments/${ids.experimentId}`);
  await waitPainted(page, ['firstRow']);
  const load = await loadSummary(page);
  // Interactive: as soon as the first row is up, click a header to sort by a metric.
  await page.click('.row.head [data-column="metric:rmse"] a');
  await waitPainted(page, ['sorted', 'sortedAll']);
  const firstSorted = await page.evaluate(() => document.querySelector('.runs-spacer .row[data-index="0"]')?.innerText.replace(/\s+/g, ' ').slice(0, 60));
  const d = await page.evaluate(() => ({ at: window.__bench.at, longTasks: window.__bench.longTasks, status: document.querySelector('.table-status').textContent, rows: document.querySelectorAll('.runs-spacer .row').length }));
  if (shot) await page.screenshot({ path: path.join(SHOTS, 'mlproject-table-sorted.png') });
  const table = {
    firstRow: d.at.firstRow.painted, click: d.at.click.dom,
    sortedRow: d.at.sorted.painted, sortedAll: d.at.sortedAll.painted, status: d.status, domRows: d.rows, firstSorted, load,
    longestTask: Math.max(0, ...d.longTasks.map((l) => l.duration)),
    blockingBeforeFirstRow: d.longTasks.filter((l) => l.start < d.at.firstRow.painted).reduce((s, l) => s + Math.max(0, l.duration - 50), 0),
    errors: t.errors,
  };

  // Scroll: with all runs loaded, scrollTop moved once per animation frame from top to bottom
  // in FRAMES steps; frame time = delta between consecutive rAF timestamps.
  const sc = await page.evaluate(async (frames) => {
    const el = document.querySelector('.runs-scroll');
    el.scrollTop = 0;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const total = el.scrollHeight - el.clientHeight;
    const deltas = [];
    const firstIndex = [];
    const longBefore = window.__bench.longTasks.length;
    await new Promise((resolve) => {
      let i = 0;
      let prev;
      const frame = (ts) => {
        if (prev !== undefined) deltas.push(ts - prev);
        prev = ts;
        firstIndex.push(Number(document.querySelector('.runs-spacer .row')?.dataset.index ?? -1));
        if (i++ >= frames) return resolve();
        el.scrollTop = Math.min(total, Math.round((i * total) / frames));
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const indices = [...document.querySelectorAll('.runs-spacer .row')].map((r) => Number(r.dataset.index));
    return { deltas, total, lastIndex: Math.max(...indices), distinctFirst: new Set(firstIndex).size, longTasks: window.__bench.longTasks.slice(longBefore).map((l) => l.duration) };
  }, FRAMES);
  const scroll = { median: median(sc.deltas), p95: pct(sc.deltas, 95), max: Math.max(...sc.deltas), over20: sc.deltas.filter((x) => x > 20).length, frames: sc.deltas.length, scrollPx: sc.total, lastIndex: sc.lastIndex, distinctFirst: sc.distinctFirst, longTasks: sc.longTasks };
  await t.context.close();

  // Chart: a fresh context, straight to the run page with ?metric=loss.
  const c = await freshPage(browser, [() => window.__bench.watch('canvas', () => document.querySelector('.chart .uplot canvas') !== null)]);
  await c.page.goto(`${url}/#/runs/${ids.chartRunId}?metric=loss`);
  await waitPainted(c.page, ['canvas']);
  const e = await c.page.evaluate(() => ({ at: window.__bench.at, historyParsed: window.__bench.historyParsed, lastStroke: window.__bench.lastStroke, longTasks: window.__bench.longTasks.map((l) => l.duration), histories: performance.getEntriesByType('resource').filter((r) => r.name.includes('metrics/get-history')).length, historyBytes: performance.getEntriesByType('resource').filter((r) => r.name.includes('metrics/get-history')).reduce((n, r) => n + r.encodedBodySize, 0) }));
  if (shot) await c.page.screenshot({ path: path.join(SHOTS, 'mlproject-chart.png'), fullPage: true });
  const chart = { dataParsed: e.historyParsed, canvasInDom: e.at.canvas.dom, lastStroke: e.lastStroke, painted: e.at.canvas.painted, fromData: e.at.canvas.painted - e.historyParsed, historyRequests: e.histories, historyBytes: e.historyBytes, longestTask: Math.max(0, ...e.longTasks), errors: c.errors };
  await c.context.close();
  return { table, scroll, chart };
}

// ---- MLflow's page, one repetition --------------------------------------------------------------
async function measureMlflow(browser, url, seed, expectedTop, shot) {
  return {
    table: await measureMlflowTable(browser, url, seed, expectedTop, shot),
    chart: await measureMlflowChart(browser, url, seed, 'tab', shot),
    metricPage: await measureMlflowChart(browser, url, seed, 'metric', shot),
  };
}

// ---- main ---------------------------------------------------------------------------------------
const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-bench-ui-'));
const dbPath = path.join(dir, 'bench.db');
const uiBuilt = statSync(path.join(root, 'apps/cli/dist/ui/index.html')).mtime.toISOString();
const results = {
  date: new Date().toISOString(), runs: RUNS, points: POINTS, reps: REPS, commit: gitCommit(), uiBuilt,
  loadBefore: loadBefore.map((x) => Math.round(x * 100) / 100), cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', node: process.version,
  mlproject: { table: [], scroll: [], chart: [] },
  mlflow: WITH_MLFLOW ? { version: MLFLOW_VERSION, table: [], chart: [], metricPage: [] } : null,
};
let mine;
let theirs;
let browser;
try {
  const ids = await seedMlproject(dbPath);
  log(`mlproject store: ${RUNS} runs in ${(ids.seedRuns / 1000).toFixed(1)} s, ${POINTS} points in ${(ids.seedPoints / 1000).toFixed(1)} s (${dbPath})`);
  let seed;
  let expectedTop;
  const python = WITH_MLFLOW ? mlflowPython() : null;
  if (WITH_MLFLOW) {
    seed = mlflowStore(python, RUNS, POINTS, dir);
    log(`MLflow store: ${seed.cached ? 'from the cache' : `seeded: ${RUNS} runs in ${seed.seedRunsS} s, ${POINTS} points in ${seed.seedPointsS} s`} (experiment ${seed.experimentId}, chart run ${seed.chartRunId})`);
  }
  mine = await startMlproject(dbPath, dir);
  log(`mlproject ui: ${mine.url}`);
  if (WITH_MLFLOW) {
    theirs = await startMlflowUi(python, seed.db, dir);
    log(`mlflow ui: ${theirs.url} (healthy after ${theirs.startup.toFixed(1)} s; log ${theirs.logFile})`);
    expectedTop = await firstRunName(theirs.url, seed.experimentId, 'metrics.`rmse` DESC');
    results.mlflow.startup = theirs.startup;
    results.mlflow.seed = seed;
  }
  browser = await launch(chromium, CHROMIUM);
  results.chromium = browser.version();
  // Repetition 0 is a warm-up, kept apart (`warmup` in --json): each server's first requests load
  // code and fill caches once per server process, which no later visit pays again.
  for (let rep = 0; rep <= REPS; rep++) {
    // The tools take turns (which one goes first alternates); the other one's server is SIGSTOPped.
    const order = WITH_MLFLOW ? (rep % 2 ? ['mlproject', 'mlflow'] : ['mlflow', 'mlproject']) : ['mlproject'];
    const into = rep === 0 ? (results.warmup = { mlproject: { table: [], scroll: [], chart: [] }, mlflow: { table: [], chart: [], metricPage: [] } }) : results;
    for (const tool of order) {
      const [running, paused] = tool === 'mlproject' ? [mine, theirs] : [theirs, mine];
      paused?.pause();
      try {
        if (tool === 'mlproject') {
          const r = await measureMlproject(browser, mine.url, ids, rep === 1);
          for (const k of ['table', 'scroll', 'chart']) into.mlproject[k].push(r[k]);
        } else {
          const r = await measureMlflow(browser, running.url, seed, expectedTop, rep === 1);
          for (const k of ['table', 'chart', 'metricPage']) into.mlflow[k].push(r[k]);
        }
      } finally {
        paused?.resume();
      }
    }
    const m = into.mlproject;
    let line = `${rep === 0 ? 'warm-up' : `rep ${rep}/${REPS}`}: mlproject first row ${ms(last(m.table).firstRow)} ms, sorted ${ms(last(m.table).sortedRow)} ms, scroll median ${ms(last(m.scroll).median)} / p95 ${ms(last(m.scroll).p95)} ms, chart ${ms(last(m.chart).painted)} ms (${ms(last(m.chart).fromData)} after data)`;
    if (WITH_MLFLOW) {
      const f = into.mlflow;
      line += `; mlflow first row ${ms(last(f.table).firstRow)} ms, sorted ${ms(last(f.table).sortedRow)} ms, chart tab ${ms(last(f.chart).painted)} ms, metric page ${ms(last(f.metricPage).painted)} ms (full history ${ms(last(f.metricPage).fullArrival)} ms)`;
    }
    log(line);
  }
  if (WITH_MLFLOW) {
    // What MLflow's charts asked for and got (asked again from Node, after the timing).
    const f = results.mlflow;
    for (const k of ['chart', 'metricPage']) {
      f[`${k}Requests`] = await Promise.all(f[k][0].requests.map(async (r) => ({ url: r.url, bytes: r.bytes, points: await pointsIn(theirs.url, r) })));
    }
  }
} finally {
  await browser?.close();
  mine?.stop();
  await theirs?.stop();
  rmSync(dir, { recursive: true, force: true });
}

// ---- summary ----------------------------------------------------------------------------------
const T = results.mlproject.table, S = results.mlproject.scroll, C = results.mlproject.chart;
results.summary = {
  mlproject: {
    firstRow: stats(T.map((r) => r.firstRow)),
    clickToSorted: stats(T.map((r) => r.sortedRow - r.click)),
    interactive: stats(T.map((r) => r.sortedRow)),
    clickToAll: stats(T.map((r) => r.sortedAll - r.click)),
    tableLongestTask: stats(T.map((r) => r.longestTask)),
    scrollMedian: stats(S.map((s) => s.median)),
    scrollP95: stats(S.map((s) => s.p95)),
    scrollMax: stats(S.map((s) => s.max)),
    chartPainted: stats(C.map((c) => c.painted)),
    chartData: stats(C.map((c) => c.dataParsed)),
    chartFromData: stats(C.map((c) => c.fromData)),
    chartLongestTask: stats(C.map((c) => c.longestTask)),
  },
};
if (WITH_MLFLOW) {
  const { table: FT, chart: FC, metricPage: FM } = results.mlflow;
  results.summary.mlflow = {
    firstRow: stats(FT.map((r) => r.firstRow)),
    clickToSorted: stats(FT.map((r) => r.sortedRow - r.click)),
    interactive: stats(FT.map((r) => r.sortedRow)),
    tableLongestTask: stats(FT.map((r) => r.longestTask)),
    chartPainted: stats(FC.map((c) => c.painted)),
    chartData: stats(FC.map((c) => c.sampledArrival)),
    chartFromData: stats(FC.map((c) => c.painted - c.sampledArrival)),
    chartLongestTask: stats(FC.map((c) => c.longestTask)),
    metricPagePainted: stats(FM.map((c) => c.painted)),
    metricPageFullHistory: stats(FM.map((c) => c.fullArrival)),
    metricPageLongestTask: stats(FM.map((c) => c.longestTask)),
  };
}
console.log(report(results));
if (opts.json) writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
