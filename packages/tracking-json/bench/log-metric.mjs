#!/usr/bin/env node
// bench: what one logMetric costs in the JSON store when the store already holds N metric points,
// against the SQLite store (what users would otherwise pick). Every JSON write rewrites the whole
// file, so the cost grows with N; SQLite's does not.
// Usage (after `pnpm build`): node packages/tracking-json/bench/log-metric.mjs [--sizes 1000,10000,100000] [--calls 50]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const here = new URL('.', import.meta.url);
const { openJsonStore } = await import(new URL('../dist/index.js', here).href);
// The SQLite store is only a yardstick here; the JSON store itself never imports it.
const sqlite = await import(new URL('../../tracking-sqlite/dist/index.js', here).href).catch(() => null);

function parseArgs(argv) {
  const opts = { sizes: [1_000, 10_000, 100_000], calls: 50 };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--sizes') opts.sizes = argv[++i].split(',').map(Number);
    else if (argv[i] === '--calls') opts.calls = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (--sizes a,b,c --calls n)`);
  }
  return opts;
}

/** Fills one run with `n` points over 10 keys, 1000 per logBatch. */
async function fill(store, n) {
  const run = await store.createRun({ experimentId: '0', userId: 'bench', startTime: 1, tags: [] });
  const id = run.info.runId;
  for (let done = 0; done < n; done += 1000) {
    const metrics = Array.from({ length: Math.min(1000, n - done) }, (_, i) => {
      const k = done + i;
      return { key: `m${k % 10}`, value: Math.sin(k), timestamp: 1_700_000_000_000 + k, step: Math.floor(k / 10) };
    });
    await store.logBatch(id, { metrics });
  }
  return id;
}

/** Median ms of `calls` logMetric calls on top of the filled run. */
async function timeLogMetric(store, id, calls) {
  const times = [];
  for (let i = 0; i < calls; i += 1) {
    const t0 = performance.now();
    await store.logMetric(id, { key: 'fresh', value: i, timestamp: 1_800_000_000_000 + i, step: i });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return [performance.now() - t0];
}

const opts = parseArgs(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'mlproject-bench-json-'));
const rows = [];
try {
  for (const n of opts.sizes) {
    const path = join(dir, `store-${n}.json`);
    const json = await openJsonStore(path);
    const id = await fill(json, n);
    const jsonMs = await timeLogMetric(json, id, opts.calls);
    const bytes = statSync(path).size;
    const [openMs] = await timed(() => openJsonStore(path));
    let sqliteMs = null;
    if (sqlite) {
      const db = sqlite.openSqliteStore(join(dir, `store-${n}.db`));
      const sid = await fill(db, n);
      sqliteMs = await timeLogMetric(db, sid, opts.calls);
      await db.close();
    }
    rows.push({ points: n, fileMB: bytes / 1e6, jsonMs, sqliteMs, openMs });
    process.stderr.write(`[bench] ${n} points done\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (x, d = 2) => (x === null ? '-' : x.toFixed(d));
console.log(`Median of ${opts.calls} logMetric calls on a store already holding N points (one run, 10 keys), Node ${process.version}`);
console.log('| points N | file size | JSON logMetric | SQLite logMetric | JSON / SQLite | JSON open (read + parse) |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const ratio = r.sqliteMs === null ? '-' : `${(r.jsonMs / r.sqliteMs).toFixed(0)}x`;
  console.log(`| ${r.points.toLocaleString('en')} | ${f(r.fileMB, 1)} MB | ${f(r.jsonMs)} ms | ${f(r.sqliteMs)} ms | ${ratio} | ${f(r.openMs, 0)} ms |`);
}
