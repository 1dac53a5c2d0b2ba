#!/usr/bin/env node
// bench/tracking: MLflow-client ingest into `mlproject server` against `mlflow server` (both on a
// SQLite file), then a server-only autocannon load test of runs/log-batch against each.
// Usage: node bench/tracking/run.mjs [--metric-points N] [--batch-points N] [--runs N] [--params N]
//        [--load-seconds S] [--connections C] [--only mlproject,mlflow] [--no-load] [--json FILE]
// See bench/tracking/README.md for what is measured and why.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { MLFLOW_VERSION, REPO, freePort, gitCommit, log, mlflowPython, nonNegativeInt, parseCli, waitHealthy } from '../lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVERS = ['mlproject', 'mlflow'];
const LOAD_METRICS = 100; // metric points per load-test request

function parseOptions(argv) {
  const v = parseCli(argv, {
    'metric-points': { type: 'string' },
    'batch-points': { type: 'string' },
    runs: { type: 'string' },
    params: { type: 'string' },
    'load-seconds': { type: 'string' },
    connections: { type: 'string' },
    only: { type: 'string' },
    'no-load': { type: 'boolean' },
    json: { type: 'string' },
  }, 'node bench/tracking/run.mjs [--metric-points N=10000] [--batch-points N=100000] [--runs N=100] [--params N=100] [--load-seconds S=10] [--connections C=20] [--only mlproject,mlflow] [--no-load] [--json FILE]');
  const opts = {
    metricPoints: nonNegativeInt('--metric-points', v['metric-points'], 10_000),
    batchPoints: nonNegativeInt('--batch-points', v['batch-points'], 100_000),
    runs: nonNegativeInt('--runs', v.runs, 100),
    params: nonNegativeInt('--params', v.params, 100),
    loadSeconds: nonNegativeInt('--load-seconds', v['load-seconds'], 10),
    connections: nonNegativeInt('--connections', v.connections, 20),
    only: v.only === undefined ? SERVERS : v.only.split(','),
    load: !v['no-load'],
    json: v.json ?? null,
  };
  for (const s of opts.only) if (!SERVERS.includes(s)) throw new Error(`unknown server ${s} (one of ${SERVERS.join(', ')})`);
  if (opts.runs < 1) throw new Error('--runs must be at least 1');
  return opts;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts one server as a user would, in its own process group (stopped with SIGTERM to the group). */
async function startServer(name, ctx) {
  const dir = path.join(ctx.tmp, name);
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(ctx.logs, `${name}-server.log`);
  const out = createWriteStream(logFile);
  const port = await freePort();
  const [cmd, args] = name === 'mlproject'
    ? [path.join(REPO, 'mlproject'), ['server', '--port', String(port), '--backend-store-uri', `sqlite:///${dir}/bench.db`, '--artifacts-destination', `${dir}/art`]]
    : [ctx.python, ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${dir}/mlflow.db`, '--artifacts-destination', `${dir}/mlart`, '--host', '127.0.0.1', '--port', String(port)]];
  const started = performance.now();
  const child = spawn(cmd, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: ctx.env });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, 300);
  const startup = (performance.now() - started) / 1000;
  await sleep(500);
  const text = readFileSync(logFile, 'utf8');
  const workers = name === 'mlflow' ? (text.match(/Started server process/g) ?? []).length : 1;
  log(`${name} server at ${url} (healthy after ${startup.toFixed(1)} s${name === 'mlflow' ? `, ${workers} uvicorn worker processes` : ''}); log ${logFile}`);
  // SIGTERM to the group (mlflow server's uvicorn workers and job consumers too); SIGKILL after 20 s.
  const stop = async () => {
    const alive = () => { try { process.kill(-child.pid, 0); return true; } catch { return false; } };
    if (alive()) process.kill(-child.pid, 'SIGTERM');
    for (let i = 0; i < 80 && alive(); i++) await sleep(250);
    if (alive()) process.kill(-child.pid, 'SIGKILL');
  };
  return { url, startup, workers, stop, dir };
}

/** Runs client.py against `url`; returns its JSON. MLflow's own prints go to the log file. */
function runClient(name, url, ctx) {
  const o = ctx.opts;
  const args = [path.join(HERE, 'client.py'), '--tracking-uri', url, '--runs', String(o.runs), '--params', String(o.params), '--metric-points', String(o.metricPoints), '--batch-points', String(o.batchPoints)];
  const logFile = path.join(ctx.logs, `${name}-client.log`);
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.python, args, { stdio: ['ignore', 'pipe', 'pipe'], env: ctx.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      writeFileSync(logFile, `$ ${ctx.python} ${args.join(' ')}\n# exit ${code}\n${err}\n--- stdout\n${out}`);
      if (code !== 0) return reject(new Error(`client.py against ${name} exited ${code}; see ${logFile}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

async function post(url, route, body) {
  const res = await fetch(`${url}/api/2.0/mlflow/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * autocannon: POST runs/log-batch, LOAD_METRICS points per request into one run, for `loadSeconds`
 * with `connections` keep-alive connections. Every request gets its own steps, so every point is a
 * new row (duplicate points would be dropped by both servers).
 */
async function loadTest(name, url, ctx) {
  const { experiment_id: experimentId } = await post(url, 'experiments/create', { name: `bench-load-${Date.now()}` });
  const { run } = await post(url, 'runs/create', { experiment_id: experimentId, start_time: Date.now() });
  const runId = run.info.run_id;
  let n = 0;
  const body = () => {
    const i = n++;
    const metrics = Array.from({ length: LOAD_METRICS }, (_, j) => ({ key: `load_${j % 10}`, value: Math.random(), timestamp: 1_700_000_000_000 + i, step: i * 10 + Math.floor(j / 10) }));
    return JSON.stringify({ run_id: runId, metrics });
  };
  const result = await autocannon({
    url: `${url}/api/2.0/mlflow/runs/log-batch`,
    connections: ctx.opts.connections,
    duration: ctx.opts.loadSeconds,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  const ok = result['2xx'];
  const r = {
    seconds: result.duration,
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    reqPerS: ok / result.duration,
    pointsPerS: (ok * LOAD_METRICS) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
  log(`${name} load: ${r.reqPerS.toFixed(0)} req/s, ${r.pointsPerS.toFixed(0)} points/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return r;
}

/** Rows in the `metrics` table of a stopped server's SQLite file (both schemas name it so). */
function metricRows(ctx, dir) {
  const db = path.join(dir, existsSync(path.join(dir, 'bench.db')) ? 'bench.db' : 'mlflow.db');
  const out = execFileSync(ctx.python, ['-c', 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM metrics").fetchone()[0])', db], { encoding: 'utf8' });
  return Number(out.trim());
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  if (!existsSync(path.join(REPO, 'apps/cli/dist/mlproject.mjs'))) throw new Error('apps/cli/dist is missing: run ./setup (or pnpm build) first');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-tracking-'));
  const logs = path.join(process.env.BENCH_DIR ?? path.join(os.homedir(), '.cache/mlproject-bench'), 'tracking-logs', stamp);
  mkdirSync(logs, { recursive: true });
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(MLFLOW_|MLPROJECT_SERVER_TOKEN)/.test(k)) delete env[k];
  const ctx = { opts, tmp, logs, env, python: mlflowPython() };
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  log(`logs: ${logs}; databases under ${tmp} (removed at the end)`);
  const results = {};
  try {
    for (const name of opts.only) {
      const server = await startServer(name, ctx);
      try {
        log(`${name}: client.py (${opts.runs} runs x ${opts.params} params, ${opts.metricPoints} log_metric points, ${opts.batchPoints} log_batch points)`);
        const client = await runClient(name, server.url, ctx);
        for (const p of client.phases) log(`${name} ${p.phase}: ${p.wall_s} s, ${p.points_per_s ?? '-'} points/s, p50 ${p.p50_ms} ms, p99 ${p.p99_ms} ms`);
        const load = opts.load ? await loadTest(name, server.url, ctx) : null;
        results[name] = { startup: server.startup, workers: server.workers, client, load };
      } finally {
        await server.stop();
      }
      const expected = opts.metricPoints + opts.batchPoints + (results[name].load?.ok ?? 0) * LOAD_METRICS;
      results[name].rows = { expected, found: metricRows(ctx, server.dir) };
      log(`${name}: ${results[name].rows.found} rows in the metrics table, ${expected} expected`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const meta = { stamp, load, commit: gitCommit(), cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', node: process.version, mlflow: MLFLOW_VERSION, opts };
  console.log(report(results, meta));
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ meta, results }, null, 2)}\n`);
}

const f1 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}x` : '-');

function report(results, meta) {
  const a = results.mlproject;
  const b = results.mlflow;
  const phase = (r, name) => r?.client.phases.find((p) => p.phase === name);
  const mlflowLabel = b ? `mlflow server (${b.workers} workers)` : 'mlflow server';
  const lines = [
    `bench/tracking ${meta.stamp}: ${meta.cores} cores, ${meta.cpu}, node ${meta.node}, mlflow ${meta.mlflow} (client for both, server), mlproject ${meta.commit}, load average before ${meta.load}`,
    `client.py: ${meta.opts.runs} runs x ${meta.opts.params} params (mlflow.log_params, one request per run), ${meta.opts.metricPoints} points via mlflow.log_metric, ${meta.opts.batchPoints} via MlflowClient().log_batch (1000 per request)`,
    '',
    `| phase | requests | mlproject points/s | ${mlflowLabel} points/s | throughput ratio | mlproject p50 / p95 / p99 ms | mlflow p50 / p95 / p99 ms | p50 latency ratio |`,
    '|---|---:|---:|---:|---:|---|---|---:|',
  ];
  for (const name of ['create_run', 'log_params', 'log_metric', 'log_batch']) {
    const x = phase(a, name);
    const y = phase(b, name);
    const tput = (p) => (p ? (name === 'create_run' ? p.requests_per_s : p.points_per_s) : NaN);
    const lat = (p) => (p ? `${f1(p.p50_ms)} / ${f1(p.p95_ms)} / ${f1(p.p99_ms)}` : '-');
    lines.push(`| ${name}${name === 'create_run' ? ' (runs/s)' : ''} | ${(x ?? y)?.requests ?? '-'} | ${f1(tput(x))} | ${f1(tput(y))} | ${ratio(tput(x), tput(y))} | ${lat(x)} | ${lat(y)} | ${ratio(y?.p50_ms, x?.p50_ms)} |`);
  }
  const wall = (r) => r?.client.total_wall_s;
  lines.push('', `Whole client script: mlproject ${f1(wall(a))} s, mlflow ${f1(wall(b))} s (${ratio(wall(b), wall(a))}). Server start to /health: mlproject ${f1(a?.startup)} s, mlflow ${f1(b?.startup)} s.`);
  const checks = Object.entries(results).map(([n, r]) => `${n} ${Object.entries(r.client.check).filter(([k]) => k !== 'run').map(([k, v]) => `${k} ${v.read_back}/${v.expected}`).join(', ')}`);
  lines.push(`Read back through the client (one key of each phase, first run): ${checks.join('; ')}.`);
  const rows = Object.entries(results).map(([n, r]) => `${n} ${r.rows.found} (${r.rows.expected} counted)`);
  lines.push(`Rows in each server's metrics table after it stopped: ${rows.join('; ')}; counted = client points + 100 x the load test's 2xx answers (requests still in flight when autocannon stops are written but not counted: up to ${meta.opts.connections * LOAD_METRICS} more).`);
  if (a?.load || b?.load) {
    lines.push('', `Load test: autocannon, POST runs/log-batch with ${LOAD_METRICS} points, ${meta.opts.connections} connections, ${meta.opts.loadSeconds} s, one run:`, '',
      '| server | req/s | points/s | p50 ms | p99 ms | non-2xx | errors |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const [n, r] of [['mlproject server', a?.load], [mlflowLabel, b?.load]]) {
      if (r) lines.push(`| ${n} | ${f1(r.reqPerS)} | ${f1(r.pointsPerS)} | ${f1(r.p50)} | ${f1(r.p99)} | ${r.non2xx} | ${r.errors + r.timeouts} |`);
    }
    if (a?.load && b?.load) lines.push('', `Load-test ratio (mlproject / mlflow): ${ratio(a.load.pointsPerS, b.load.pointsPerS)} points/s; p50 latency ${ratio(b.load.p50, a.load.p50)} lower.`);
  }
  return lines.join('\n');
}

main().catch((error) => {
  console.error(`[bench] failed: ${error.message}`);
  process.exit(1);
});
