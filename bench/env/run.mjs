#!/usr/bin/env node
// bench/env: cold and warm environment creation for examples/sklearn-linear, side by side:
//   mlproject run (uv, on the built dist), mlflow run --env-manager virtualenv and uv (MLflow from
//   PyPI in its own venv), and bare `uv venv && uv pip install -r` as the floor.
// Usage: node bench/env/run.mjs [--cold N] [--warm N] [--only a,b] [--pyenv-compile] [--json FILE]
// See bench/env/README.md for what is measured and why.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, gitCommit, log, nonNegativeInt, parseCli } from '../lib.mjs';

const EXAMPLE = path.join(REPO, 'examples/sklearn-linear');
const MLFLOW_VERSION = '3.17.2';
const PYENV_ROOT = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
const PYENV_BIN = path.join(PYENV_ROOT, 'bin');
// The Python the bench copy of the project pins (see README: "3.11" makes MLflow compile 3.11.x).
const PYTHON = process.env.BENCH_PYTHON ?? '3.11.7';
const WORK = process.env.BENCH_DIR ?? path.join(os.homedir(), '.cache/mlproject-bench');
const MLFLOW_VENV = path.join(WORK, 'mlflow-venv');

const TOOLS = ['mlproject', 'mlflow-virtualenv', 'mlflow-uv', 'uv'];
const LABELS = {
  mlproject: 'mlproject run (uv)',
  'mlflow-virtualenv': 'mlflow run --env-manager virtualenv',
  'mlflow-uv': 'mlflow run --env-manager uv',
  uv: 'bare uv venv + uv pip install (floor)',
  'mlflow-virtualenv-pyenv': 'mlflow run --env-manager virtualenv, python "3.11" (pyenv compiles)',
};

function parseOptions(argv) {
  const v = parseCli(argv, {
    cold: { type: 'string' },
    warm: { type: 'string' },
    only: { type: 'string' },
    'pyenv-compile': { type: 'boolean' },
    json: { type: 'string' },
  }, 'node bench/env/run.mjs [--cold N=2] [--warm N=5] [--only mlproject,mlflow-virtualenv,mlflow-uv,uv] [--pyenv-compile] [--json FILE]');
  const opts = {
    cold: nonNegativeInt('--cold', v.cold, 2),
    warm: nonNegativeInt('--warm', v.warm, 5),
    only: v.only === undefined ? TOOLS : v.only.split(','),
    pyenvCompile: v['pyenv-compile'] ?? false,
    json: v.json ?? null,
  };
  for (const t of opts.only) if (!TOOLS.includes(t)) throw new Error(`unknown tool ${t} (one of ${TOOLS.join(', ')})`);
  return opts;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');

/** Runs a command, output to `logFile`; returns wall seconds and stderr text. Throws on non-zero exit. */
function timed(cmd, args, { env, cwd, logFile }) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      writeFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n# exit ${code}, ${seconds.toFixed(2)} s\n--- stdout\n${out}\n--- stderr\n${err}\n`, { flag: 'a' });
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}; see ${logFile}`));
      else resolve({ seconds, stderr: err });
    });
  });
}

/** The bench copy of the example: same python_env.yaml (python pinned to PYTHON), entry point `python -c pass`. */
function makeProject(dir, python) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const yaml = readFileSync(path.join(EXAMPLE, 'python_env.yaml'), 'utf8').replace(/^python:.*$/m, `python: "${python}"`);
  writeFileSync(path.join(dir, 'python_env.yaml'), yaml);
  writeFileSync(
    path.join(dir, 'MLproject'),
    'name: sklearn-linear-envbench\n\npython_env: python_env.yaml\n\nentry_points:\n  train:\n    command: "python -c pass"\n',
  );
  // The floor installs the same lines: build_dependencies, then dependencies, in one requirements file.
  const lines = [...yaml.matchAll(/^\s*-\s*(.+?)\s*$/gm)].map((m) => m[1]);
  writeFileSync(path.join(dir, 'requirements.txt'), `${lines.join('\n')}\n`);
  return { dir, requirements: path.join(dir, 'requirements.txt'), lines };
}

/** Untimed setup: MLflow from PyPI (with virtualenv and uv) in its own venv; a bin dir exposing only uv and mlflow. */
function setup() {
  mkdirSync(WORK, { recursive: true });
  if (!existsSync(path.join(MLFLOW_VENV, 'bin/mlflow'))) {
    const base = path.join(PYENV_ROOT, 'versions', PYTHON, 'bin/python');
    log(`creating ${MLFLOW_VENV} (pip install mlflow==${MLFLOW_VERSION} virtualenv uv)`);
    execFileSync(existsSync(base) ? base : 'python3', ['-m', 'venv', MLFLOW_VENV], { stdio: 'inherit' });
    execFileSync(path.join(MLFLOW_VENV, 'bin/pip'), ['install', '-q', `mlflow==${MLFLOW_VERSION}`, 'virtualenv', 'uv'], { stdio: 'inherit' });
  }
  const bin = path.join(WORK, 'bin');
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin);
  for (const exe of ['uv', 'mlflow']) symlinkSync(path.join(MLFLOW_VENV, 'bin', exe), path.join(bin, exe));
  if (!existsSync(path.join(REPO, 'apps/cli/dist/mlproject.mjs'))) throw new Error('apps/cli/dist is missing: run ./setup (or pnpm build) first');
  return bin;
}

/**
 * The environment every tool runs in: only uv and mlflow added (not the MLflow venv's python), pyenv
 * on PATH with its root, pip reading no config file (so pip, like uv, resolves from PyPI alone; this
 * machine's pip.conf adds local wheel dirs that uv would not see).
 */
function baseEnv(bin) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(PIP_FIND_LINKS|PIP_EXTRA_INDEX_URL|PIP_INDEX_URL|PIP_CONSTRAINT|VIRTUAL_ENV|CONDA_PREFIX|MLFLOW_|MLPROJECT_|UV_)/.test(k)) delete env[k];
  env.PATH = [bin, PYENV_BIN, path.join(PYENV_ROOT, 'shims'), process.env.PATH].join(':');
  env.PYENV_ROOT = PYENV_ROOT;
  env.PIP_CONFIG_FILE = os.devnull;
  env.PIP_DISABLE_PIP_VERSION_CHECK = '1';
  return env;
}

function uvVersion(bin) {
  return execFileSync(path.join(bin, 'uv'), ['--version'], { encoding: 'utf8' }).trim();
}

/** One tool: how to run it cold (fresh dirs) and warm (same dirs again). */
function toolRunner(tool, ctx) {
  const { env: base, project, logs } = ctx;
  const mlproject = path.join(REPO, 'mlproject');
  const mlflowEnv = (dirs) => ({ ...base, MLFLOW_TRACKING_URI: `sqlite:///${ctx.tracking}/mlflow.db`, MLFLOW_ENV_ROOT: dirs.envRoot, PIP_CACHE_DIR: dirs.pipCache, UV_CACHE_DIR: dirs.uvCache });
  const mlprojectEnv = (dirs) => ({ ...base, MLPROJECT_CACHE_DIR: dirs.envRoot, UV_CACHE_DIR: dirs.uvCache, PIP_CACHE_DIR: dirs.pipCache });
  const logFile = path.join(logs, `${tool}.log`);
  const projectDir = tool === 'mlflow-virtualenv-pyenv' ? ctx.pyenvProject.dir : project.dir;
  switch (tool) {
    case 'mlproject':
      return async (dirs) => {
        const r = await timed(mlproject, ['run', projectDir, '-e', 'train', '--tracking-uri', `sqlite:///${ctx.tracking}/mlproject.db`], { env: mlprojectEnv(dirs), cwd: ctx.scratch, logFile });
        const m = /(built|reused) environment .* in ([\d.]+) s/.exec(r.stderr);
        return { seconds: r.seconds, envSeconds: m ? Number(m[2]) : NaN, what: m?.[1] ?? '?' };
      };
    case 'mlflow-virtualenv':
    case 'mlflow-uv':
    case 'mlflow-virtualenv-pyenv': {
      const manager = tool === 'mlflow-uv' ? 'uv' : 'virtualenv';
      return async (dirs) => {
        const env = mlflowEnv(dirs);
        if (tool === 'mlflow-virtualenv-pyenv') env.PYENV_ROOT = ctx.pyenvRoot;
        const r = await timed(path.join(ctx.bin, 'mlflow'), ['run', projectDir, '-e', 'train', '--env-manager', manager], { env, cwd: ctx.scratch, logFile });
        return { seconds: r.seconds, envSeconds: NaN, what: /already exists/.test(r.stderr) ? 'reused' : 'built' };
      };
    }
    case 'uv':
      return async (dirs) => {
        const venv = path.join(dirs.envRoot, 'venv');
        rmSync(venv, { recursive: true, force: true });
        const env = { ...base, UV_CACHE_DIR: dirs.uvCache };
        const a = await timed(path.join(ctx.bin, 'uv'), ['venv', '--no-project', '--python', PYTHON, venv], { env, cwd: ctx.scratch, logFile });
        const b = await timed(path.join(ctx.bin, 'uv'), ['pip', 'install', '--python', path.join(venv, 'bin/python'), '-r', project.requirements], { env, cwd: project.dir, logFile });
        return { seconds: a.seconds + b.seconds, envSeconds: a.seconds + b.seconds, what: 'built' };
      };
    default:
      throw new Error(tool);
  }
}

function freshDirs(tool, round) {
  const root = path.join(WORK, 'runs', `${tool}-${round}`);
  rmSync(root, { recursive: true, force: true });
  const dirs = { root, envRoot: path.join(root, 'envs'), pipCache: path.join(root, 'pip-cache'), uvCache: path.join(root, 'uv-cache') };
  for (const d of [dirs.envRoot, dirs.pipCache, dirs.uvCache]) mkdirSync(d, { recursive: true });
  return dirs;
}

/** Creates each tool's tracking database once (untimed), so no timed run pays for schema migrations. */
async function primeTracking(ctx) {
  await localRun('mlflow', ctx);
  await localRun('mlproject', ctx);
}

function localRun(tool, ctx) {
  const logFile = path.join(ctx.logs, 'local.log');
  if (tool === 'mlflow') {
    const env = { ...ctx.env, MLFLOW_TRACKING_URI: `sqlite:///${ctx.tracking}/mlflow.db` };
    return timed(path.join(ctx.bin, 'mlflow'), ['run', ctx.project.dir, '-e', 'train', '--env-manager', 'local'], { env, cwd: ctx.scratch, logFile });
  }
  return timed(path.join(REPO, 'mlproject'), ['run', ctx.project.dir, '-e', 'train', '--env-manager', 'local', '--tracking-uri', `sqlite:///${ctx.tracking}/mlproject.db`], { env: ctx.env, cwd: ctx.scratch, logFile });
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const bin = setup();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const ctx = {
    bin,
    env: baseEnv(bin),
    project: makeProject(path.join(WORK, 'project'), PYTHON),
    pyenvProject: makeProject(path.join(WORK, 'project-pyenv'), '3.11'),
    tracking: path.join(WORK, 'tracking'),
    scratch: path.join(WORK, 'scratch'),
    logs: path.join(WORK, 'logs', stamp),
    pyenvRoot: path.join(WORK, 'pyenv-root'),
  };
  rmSync(ctx.tracking, { recursive: true, force: true });
  for (const d of [ctx.tracking, ctx.scratch, ctx.logs, ctx.pyenvRoot]) mkdirSync(d, { recursive: true });
  log(`logs: ${ctx.logs}`);
  await primeTracking(ctx);

  const tools = [...opts.only, ...(opts.pyenvCompile ? ['mlflow-virtualenv-pyenv'] : [])];
  const results = Object.fromEntries(tools.map((t) => [t, { cold: [], warm: [], coldEnv: [], warmEnv: [], rebuilt: [] }]));
  const lastDirs = {};
  // Cold rounds interleave the tools, so network drift hits all of them alike.
  for (let round = 1; round <= opts.cold; round++) {
    for (const tool of tools) {
      if (tool === 'mlflow-virtualenv-pyenv' && round > 1) continue;
      if (lastDirs[tool]) rmSync(lastDirs[tool].root, { recursive: true, force: true });
      const dirs = freshDirs(tool, round);
      if (tool === 'mlflow-virtualenv-pyenv') rmSync(path.join(ctx.pyenvRoot, 'versions'), { recursive: true, force: true });
      lastDirs[tool] = dirs;
      const r = await toolRunner(tool, ctx)(dirs);
      results[tool].cold.push(r.seconds);
      results[tool].coldEnv.push(r.envSeconds);
      log(`${tool} cold #${round}: ${r.seconds.toFixed(2)} s (${r.what}${Number.isFinite(r.envSeconds) ? `, env ${r.envSeconds} s` : ''})`);
    }
  }
  // Warm: the same env root and caches again (for bare uv: a new venv from the warm uv cache).
  for (const tool of tools) {
    for (let i = 1; i <= opts.warm; i++) {
      const r = await toolRunner(tool, ctx)(lastDirs[tool]);
      if (r.what === 'built' && tool !== 'uv') {
        // Not a re-use: e.g. someone rebuilt packages/*/dist mid-bench and the env key changed. Not counted.
        results[tool].rebuilt.push(r.seconds);
        log(`${tool} warm #${i}: ${r.seconds.toFixed(2)} s REBUILT instead of reused; not counted, running once more`);
        i--;
        if (results[tool].rebuilt.length > 2) throw new Error(`${tool} keeps rebuilding on warm runs; see ${ctx.logs}`);
        continue;
      }
      results[tool].warm.push(r.seconds);
      results[tool].warmEnv.push(r.envSeconds);
      log(`${tool} warm #${i}: ${r.seconds.toFixed(2)} s (${r.what}${Number.isFinite(r.envSeconds) ? `, env ${r.envSeconds} s` : ''})`);
    }
  }
  for (const tool of tools) rmSync(lastDirs[tool].root, { recursive: true, force: true });
  // The same commands with --env-manager local: what each tool costs with no environment at all.
  const overhead = {};
  for (const tool of ['mlproject', 'mlflow'].filter((t) => tools.some((x) => x.startsWith(t)))) {
    overhead[tool] = [];
    for (let i = 1; i <= opts.warm; i++) overhead[tool].push((await localRun(tool, ctx)).seconds);
    log(`${tool} --env-manager local: ${overhead[tool].map(fmt).join(', ')} s`);
  }

  report(results, tools, overhead, { uv: uvVersion(bin), opts, stamp, load, commit: gitCommit() }, opts.json);
}

function report(results, tools, overhead, meta, jsonFile) {
  const row = (tool) => {
    const r = results[tool];
    return { tool, label: LABELS[tool], cold: median(r.cold), warm: median(r.warm), coldAll: r.cold, warmAll: r.warm, coldEnv: median(r.coldEnv), warmEnv: median(r.warmEnv), rebuilt: r.rebuilt };
  };
  const rows = tools.map(row);
  const by = Object.fromEntries(rows.map((r) => [r.tool, r]));
  const lines = [
    `| tool | cold s (median of ${meta.opts.cold}) | warm s (median of ${meta.opts.warm}) | cold runs | warm runs |`,
    '|---|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.label} | ${fmt(r.cold)} | ${fmt(r.warm)} | ${r.coldAll.map(fmt).join(', ')} | ${r.warmAll.map(fmt).join(', ')}${r.rebuilt.length ? ` (+${r.rebuilt.length} unexpected rebuild: ${r.rebuilt.map(fmt).join(', ')})` : ''} |`),
  ];
  const ratios = [];
  const ratio = (name, a, b) => {
    if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)) ratios.push(`| ${name} | ${(a / b).toFixed(1)}x |`);
  };
  const m = by.mlproject;
  ratio('mlflow virtualenv cold / mlproject cold', by['mlflow-virtualenv']?.cold, m?.cold);
  ratio('mlflow uv cold / mlproject cold', by['mlflow-uv']?.cold, m?.cold);
  ratio('mlflow virtualenv warm / mlproject warm', by['mlflow-virtualenv']?.warm, m?.warm);
  ratio('mlflow uv warm / mlproject warm', by['mlflow-uv']?.warm, m?.warm);
  ratio('mlflow virtualenv, python "3.11" (pyenv compile) cold / mlproject cold', by['mlflow-virtualenv-pyenv']?.cold, m?.cold);
  ratio('mlproject cold / bare uv cold (overhead over the floor)', m?.cold, by.uv?.cold);
  ratio('bare uv warm-cache rebuild / mlproject warm (re-use)', by.uv?.warm, m?.warm);
  const out = [
    `bench/env ${meta.stamp}: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ${meta.uv}, mlflow ${MLFLOW_VERSION}, python ${PYTHON}, mlproject ${meta.commit}, load average before ${meta.load}`,
    '',
    ...lines,
    '',
    '| ratio | |',
    '|---|---:|',
    ...ratios,
  ];
  const oh = Object.entries(overhead).map(([t, xs]) => `${t} ${fmt(median(xs))} s`);
  if (oh.length) out.push('', `Same command with --env-manager local (no environment; median of ${meta.opts.warm}): ${oh.join(', ')}`);
  if (m && by['mlflow-virtualenv'] && overhead.mlproject && overhead.mlflow) {
    const envPart = (warm, local) => Math.max(warm - local, 0);
    out.push(`Warm minus --env-manager local (the env step alone): mlproject ${fmt(envPart(m.warm, median(overhead.mlproject)))} s, mlflow virtualenv ${fmt(envPart(by['mlflow-virtualenv'].warm, median(overhead.mlflow)))} s${by['mlflow-uv'] ? `, mlflow uv ${fmt(envPart(by['mlflow-uv'].warm, median(overhead.mlflow)))} s` : ''}`);
  }
  if (m && Number.isFinite(m.warmEnv)) out.push('', `mlproject's own "environment ... in X s" line: cold ${fmt(m.coldEnv)} s, warm ${fmt(m.warmEnv)} s (median, 0.1 s resolution)`);
  console.log(out.join('\n'));
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ meta: { ...meta, cores: os.cpus().length, node: process.version, python: PYTHON }, rows, overhead }, null, 2)}\n`);
}

main().catch((error) => {
  console.error(`[bench] failed: ${error.message}`);
  process.exit(1);
});
