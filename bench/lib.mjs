// Helpers shared by bench/env/run.mjs, bench/tracking/run.mjs and bench/ui/run.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const log = (line) => process.stderr.write(`[bench] ${line}\n`);

/**
 * `util.parseArgs` over `argv` (strict: an unknown flag or a stray positional throws), plus `-h`/`--help`
 * printing `usage` and exiting 0. `options` are parseArgs options; returns the parsed `values`.
 */
export function parseCli(argv, options, usage) {
  const { values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  delete values.help;
  return values;
}

/** `value` (a string flag value) as a non-negative integer, or `fallback` when the flag was not given. */
export function nonNegativeInt(flag, value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${value}`);
  return n;
}

/** The short HEAD commit, marked when packages/ or apps/ have uncommitted changes; 'unknown' outside git. */
export function gitCommit() {
  try {
    const head = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', REPO, 'status', '--porcelain', '--', 'packages', 'apps'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+uncommitted packages/apps changes` : head;
  } catch {
    return 'unknown';
  }
}

export const MLFLOW_VERSION = '3.17.2';
const SKLEARN_VERSION = '1.9.1';

/**
 * The python of the MLflow venv the tracking-server e2e tests use (packages/tracking-server/test/
 * python-env.ts, `mlflowPython`), shared by bench/tracking and bench/ui: `~/.cache/mlproject-test/mlflow-3.17.2-sklearn-1.9.1-py3.<minor>`, built when missing
 * (uv if on PATH, else venv + pip; needs PyPI) in a temp dir that is renamed when ready. Its
 * `bin/mlflow` script names the temp dir in its shebang, so run MLflow as `python -m mlflow`.
 */
export function mlflowPython() {
  const base = process.env.MLPROJECT_TEST_PYTHON ?? 'python3';
  const [real, version] = execFileSync(base, ['-c', 'import os, sys; print(os.path.realpath(sys.executable)); print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim().split('\n');
  const root = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'mlproject-test');
  const venv = path.join(root, `mlflow-${MLFLOW_VERSION}-sklearn-${SKLEARN_VERSION}-py${version}`);
  const python = path.join(venv, 'bin/python');
  if (existsSync(path.join(venv, '.ready'))) return python;
  mkdirSync(root, { recursive: true });
  const building = `${venv}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const packages = [`mlflow==${MLFLOW_VERSION}`, `scikit-learn==${SKLEARN_VERSION}`];
  log(`building ${venv} (${packages.join(' ')})`);
  let uv = true;
  try { execFileSync('uv', ['--version'], { stdio: 'ignore' }); } catch { uv = false; }
  if (uv) {
    execFileSync('uv', ['venv', '--python', real, building], { stdio: 'inherit' });
    execFileSync('uv', ['pip', 'install', '--python', path.join(building, 'bin/python'), ...packages], { stdio: 'inherit' });
  } else {
    execFileSync(real, ['-m', 'venv', building], { stdio: 'inherit' });
    execFileSync(path.join(building, 'bin/python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], { stdio: 'inherit' });
  }
  writeFileSync(path.join(building, '.ready'), `${new Date().toISOString()}\n`);
  rmSync(venv, { recursive: true, force: true });
  renameSync(building, venv);
  return python;
}

/** A TCP port free on 127.0.0.1 right now (closed again before it is returned). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `${url}/health` every 250 ms until it answers 2xx; throws when `child` exits or after `seconds`. */
export async function waitHealthy(url, child, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode} before ${url}/health answered`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url}/health did not answer within ${seconds} s`);
}
