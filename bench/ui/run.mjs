#!/usr/bin/env node
// bench/ui: the web UI of `mlproject ui` in Debian's Chromium (playwright-core) over a SQLite store
// with 10,000 runs and one run with a 100,000-point metric. Prints figures; asserts nothing.
// See bench/ui/README.md for what is measured.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    points: { type: 'string', default: '100000' },
    reps: { type: 'string', default: '5' },
    'scroll-frames': { type: 'string', default: '300' },
    chromium: { type: 'string', default: process.env.MLPROJECT_TEST_CHROMIUM ?? '/usr/bin/chromium' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log('node bench/ui/run.mjs [--runs 10000] [--points 100000] [--reps 5] [--scroll-frames 300] [--chromium /usr/bin/chromium] [--json out.json]');
  process.exit(0);
}
const RUNS = Number(opts.runs);
const POINTS = Number(opts.points);
const REPS = Number(opts.reps);
const FRAMES = Number(opts['scroll-frames']);

const cli = path.join(root, 'apps/cli/dist/mlproject.mjs');
if (!existsSync(cli) || !existsSync(path.join(root, 'apps/cli/dist/ui/index.html'))) {
  console.log('building (pnpm run build)…');
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

// ---- the store --------------------------------------------------------------------------------
const dir = mkdtempSync(path.join(tmpdir(), 'mlproject-bench-ui-'));
const dbPath = path.join(dir, 'bench.db');
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
console.log(`store: ${RUNS} runs in ${(seedRuns / 1000).toFixed(1)} s, ${POINTS} points in ${(seedPoints / 1000).toFixed(1)} s (${dbPath})`);

// ---- the server -------------------------------------------------------------------------------
const server = spawn(path.join(root, 'mlproject'), ['ui', '--port', '0', '--backend-store-uri', `sqlite:///${dbPath}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let serverOut = '';
const url = await new Promise((resolve, reject) => {
  const onData = (chunk) => {
    serverOut += chunk.toString();
    const match = /at (http:\/\/\S+) /.exec(serverOut);
    if (match) resolve(match[1]);
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.on('exit', () => reject(new Error(`mlproject ui exited: ${serverOut}`)));
});
console.log(`server: ${url}`);

// ---- the page's instruments (an init script; no hook in the app) -------------------------------
const instruments = () => {
  const b = (window.__bench = { at: {}, watches: [], longTasks: [], historyParsed: 0, lastStroke: 0 });
  // First time a predicate holds (checked on every DOM mutation): `dom` at the mutation, `painted`
  // at the next animation frame (the frame that shows it).
  b.watch = (name, predicate) => b.watches.push({ name, predicate });
  const check = () => {
    for (const w of b.watches) {
      if (b.at[w.name] || !w.predicate()) continue;
      const dom = performance.now();
      b.at[w.name] = { dom };
      requestAnimationFrame(() => { b.at[w.name].painted = performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
  } catch {}
  // When the last page of a metric history has been received (data arrival; the app parses it after).
  const origFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await origFetch(...args);
    if (String(args[0]).includes('metrics/get-history')) {
      const text = response.text.bind(response);
      response.text = async () => { const body = await text(); b.historyParsed = performance.now(); return body; };
    }
    return response;
  };
  // The last stroke on a canvas: uPlot strokes the series path when it draws.
  const stroke = CanvasRenderingContext2D.prototype.stroke;
  CanvasRenderingContext2D.prototype.stroke = function (...a) { const r = stroke.apply(this, a); b.lastStroke = performance.now(); return r; };
};

const browser = await chromium.launch({ executablePath: opts.chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const results = { date: new Date().toISOString(), runs: RUNS, points: POINTS, reps: REPS, table: [], scroll: [], chart: [] };
try {
  for (let rep = 0; rep < REPS; rep++) {
    // Runs table: a fresh context (cold HTTP cache) each time, straight to the experiment's URL.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(instruments);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      const b = window.__bench;
      b.watch('firstRow', () => document.querySelector('.runs-spacer .row') !== null);
      b.watch('sorted', () => document.querySelector('.row.head .cell.sorted[data-column="metric:rmse"]') !== null && document.querySelector('.runs-spacer .row') !== null);
      b.watch('sortedAll', () => document.querySelector('.row.head .cell.sorted[data-column="metric:rmse"]') !== null && /^\d+ runs/.test(document.querySelector('.table-status')?.textContent ?? ''));
      document.addEventListener('click', () => { b.at.click ??= { dom: performance.now() }; }, true);
    });
    await page.goto(`${url}/#/experiments/${experimentId}`);
    await page.waitForFunction(() => window.__bench.at.firstRow?.painted);
    // Interactive: as soon as the first row is up, click a header to sort by a metric.
    await page.click('.row.head [data-column="metric:rmse"] a');
    await page.waitForFunction(() => window.__bench.at.sorted?.painted && window.__bench.at.sortedAll?.painted, null, { timeout: 60_000 });
    const firstSorted = await page.evaluate(() => document.querySelector('.runs-spacer .row[data-index="0"]')?.innerText.replace(/\s+/g, ' ').slice(0, 60));
    const t = await page.evaluate(() => ({ at: window.__bench.at, longTasks: window.__bench.longTasks, status: document.querySelector('.table-status').textContent, rows: document.querySelectorAll('.runs-spacer .row').length }));
    results.table.push({
      firstRow: t.at.firstRow.painted, click: t.at.click.dom,
      sortedRow: t.at.sorted.painted, sortedAll: t.at.sortedAll.painted, status: t.status, domRows: t.rows, firstSorted,
      longestTask: Math.max(0, ...t.longTasks.map((l) => l.duration)),
      blockingBeforeFirstRow: t.longTasks.filter((l) => l.start < t.at.firstRow.painted).reduce((s, l) => s + Math.max(0, l.duration - 50), 0),
      errors,
    });

    // Scroll: with all runs loaded, scrollTop moved once per animation frame from top to bottom
    // in FRAMES steps; frame time = delta between consecutive rAF timestamps.
    const scroll = await page.evaluate(async (frames) => {
      const sc = document.querySelector('.runs-scroll');
      sc.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const total = sc.scrollHeight - sc.clientHeight;
      const deltas = [];
      const firstIndex = [];
      const longBefore = window.__bench.longTasks.length;
      await new Promise((resolve) => {
        let i = 0;
        let last;
        const frame = (ts) => {
          if (last !== undefined) deltas.push(ts - last);
          last = ts;
          firstIndex.push(Number(document.querySelector('.runs-spacer .row')?.dataset.index ?? -1));
          if (i++ >= frames) return resolve();
          sc.scrollTop = Math.min(total, Math.round((i * total) / frames));
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const indices = [...document.querySelectorAll('.runs-spacer .row')].map((r) => Number(r.dataset.index));
      return { deltas, total, lastIndex: Math.max(...indices), distinctFirst: new Set(firstIndex).size, longTasks: window.__bench.longTasks.slice(longBefore).map((l) => l.duration) };
    }, FRAMES);
    results.scroll.push({ median: median(scroll.deltas), p95: pct(scroll.deltas, 95), max: Math.max(...scroll.deltas), over20: scroll.deltas.filter((d) => d > 20).length, frames: scroll.deltas.length, scrollPx: scroll.total, lastIndex: scroll.lastIndex, distinctFirst: scroll.distinctFirst, longTasks: scroll.longTasks });
    await context.close();

    // Chart: a fresh context, straight to the run page with ?metric=loss.
    const chartContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await chartContext.addInitScript(instruments);
    const chartPage = await chartContext.newPage();
    const chartErrors = [];
    chartPage.on('pageerror', (e) => chartErrors.push(e.message));
    await chartPage.addInitScript(() => window.__bench.watch('canvas', () => document.querySelector('.chart .uplot canvas') !== null));
    await chartPage.goto(`${url}/#/runs/${chartRunId}?metric=loss`);
    await chartPage.waitForFunction(() => window.__bench.at.canvas?.painted, null, { timeout: 60_000 }).catch(async (e) => { console.error(await chartPage.evaluate(() => JSON.stringify({ at: window.__bench.at, html: document.getElementById("app").innerHTML.slice(0, 1500) })), chartErrors); throw e; });
    const c = await chartPage.evaluate(() => ({ at: window.__bench.at, historyParsed: window.__bench.historyParsed, lastStroke: window.__bench.lastStroke, longTasks: window.__bench.longTasks.map((l) => l.duration) }));
    results.chart.push({ dataParsed: c.historyParsed, canvasInDom: c.at.canvas.dom, lastStroke: c.lastStroke, painted: c.at.canvas.painted, fromData: c.at.canvas.painted - c.historyParsed, longestTask: Math.max(0, ...c.longTasks), errors: chartErrors });
    await chartContext.close();
    const last = (a) => a[a.length - 1];
    console.log(`rep ${rep + 1}/${REPS}: first row ${ms(last(results.table).firstRow)} ms, sorted ${ms(last(results.table).sortedRow)} ms, scroll median ${ms(last(results.scroll).median)} / p95 ${ms(last(results.scroll).p95)} ms, chart ${ms(last(results.chart).painted)} ms (${ms(last(results.chart).fromData)} after data)`);
  }
} finally {
  await browser.close();
  try { process.kill(-server.pid, 'SIGTERM'); } catch {}
  rmSync(dir, { recursive: true, force: true });
}

// ---- summary ----------------------------------------------------------------------------------
const T = results.table, S = results.scroll, C = results.chart;
const summary = {
  'runs table: navigation -> first row painted': stats(T.map((r) => r.firstRow)),
  'runs table: click on a header -> first sorted row painted': stats(T.map((r) => r.sortedRow - r.click)),
  'runs table: interactive (navigation -> sorted rows painted after a click at first row)': stats(T.map((r) => r.sortedRow)),
  'runs table: click -> all runs reloaded in the new order': stats(T.map((r) => r.sortedAll - r.click)),
  'runs table: longest main-thread task during load': stats(T.map((r) => r.longestTask)),
  'scroll: frame time median': stats(S.map((s) => s.median)),
  'scroll: frame time p95': stats(S.map((s) => s.p95)),
  'scroll: frame time max': stats(S.map((s) => s.max)),
  'chart: navigation -> 100k-point canvas painted': stats(C.map((c) => c.painted)),
  'chart: navigation -> history received (data arrival)': stats(C.map((c) => c.dataParsed)),
  'chart: data arrival -> canvas painted': stats(C.map((c) => c.fromData)),
  'chart: longest main-thread task': stats(C.map((c) => c.longestTask)),
};
console.log(`\n${RUNS} runs, ${POINTS} points, ${REPS} reps, ms (median / max):`);
for (const [k, v] of Object.entries(summary)) console.log(`  ${k.padEnd(88)} ${String(v.median).padStart(8)} / ${v.max}`);
console.log(`  checks: status "${T[0].status}", ${T[0].domRows} rows in the DOM, first row after sort "${T[0].firstSorted}", scroll reached index ${S[0].lastIndex} over ${S[0].scrollPx}px in ${S[0].frames} frames (${S[0].distinctFirst} distinct first rows), frames > 20 ms per rep: ${S.map((s) => s.over20).join(', ')}; page errors: ${[...T.flatMap((r) => r.errors), ...C.flatMap((c) => c.errors)].length}`);
results.summary = summary;
if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
