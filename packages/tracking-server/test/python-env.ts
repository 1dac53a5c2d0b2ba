import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The `mlflow` clients the e2e tests run: the newest 3.x on PyPI when written, and the last 2.x
 * (2.x logs models as run artifacts + `runs/log-model`). `MLPROJECT_TEST_MLFLOW_VERSIONS=3.17.2,2.22.5` overrides.
 */
export const MLFLOW_VERSIONS = (process.env.MLPROJECT_TEST_MLFLOW_VERSIONS ?? '3.17.2,2.22.5').split(',').map((v) => v.trim()).filter(Boolean);
export const SKLEARN_VERSION = process.env.MLPROJECT_TEST_SKLEARN_VERSION ?? '1.9.1';

async function onPath(tool: string): Promise<boolean> {
  try {
    await run(tool, ['--version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The base interpreter, resolved once to its real path (`python3` may be a slow pyenv shim), and
 * its `major.minor`. `MLPROJECT_TEST_PYTHON` overrides the command.
 */
async function basePython(): Promise<{ path: string; version: string }> {
  const command = process.env.MLPROJECT_TEST_PYTHON ?? 'python3';
  const { stdout } = await run(command, ['-c', 'import os, sys; print(os.path.realpath(sys.executable)); print("%d.%d" % sys.version_info[:2])'], { timeout: 60_000 });
  const [path, version] = stdout.trim().split('\n');
  if (!path || !version) throw new Error(`cannot resolve ${command}: ${stdout}`);
  return { path, version };
}

/**
 * A virtualenv with `mlflow==mlflowVersion` and `scikit-learn` for the e2e tests, built once and cached under
 * `${XDG_CACHE_HOME:-~/.cache}/mlproject-test/`, keyed by the versions. Built with `uv` when it is on
 * PATH, else `python -m venv` + pip; built in a temp dir and renamed into place when complete
 * (a `.ready` marker), so an interrupted build is never reused.
 * @returns the venv's python executable.
 */
export async function mlflowPython(mlflowVersion: string, log: (line: string) => void = () => {}): Promise<string> {
  const base = await basePython();
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const root = join(cacheHome, 'mlproject-test');
  const venv = join(root, `mlflow-${mlflowVersion}-sklearn-${SKLEARN_VERSION}-py${base.version}`);
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, '.ready'))) return python;

  mkdirSync(root, { recursive: true });
  const building = `${venv}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const packages = [`mlflow==${mlflowVersion}`, `scikit-learn==${SKLEARN_VERSION}`];
  const started = Date.now();
  const options = { timeout: 840_000, maxBuffer: 64 * 1024 * 1024 };
  if (await onPath('uv')) {
    log(`building ${venv} with uv`);
    await run('uv', ['venv', '--python', base.path, building], options);
    await run('uv', ['pip', 'install', '--python', join(building, 'bin', 'python'), ...packages], options);
  } else {
    log(`building ${venv} with ${base.path} -m venv + pip`);
    await run(base.path, ['-m', 'venv', building], options);
    await run(join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], options);
  }
  const check = await run(join(building, 'bin', 'python'), ['-c', 'import mlflow, sklearn; print(mlflow.__version__)'], options);
  if (check.stdout.trim() !== mlflowVersion) throw new Error(`expected mlflow ${mlflowVersion}, got ${check.stdout.trim()}`);
  writeFileSync(join(building, '.ready'), `${new Date().toISOString()}\n`);
  try {
    rmSync(venv, { recursive: true, force: true });
    renameSync(building, venv);
  } catch (error) {
    if (!existsSync(join(venv, '.ready'))) throw error;
    rmSync(building, { recursive: true, force: true });
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return python;
}

/** What a client script left: its exit code, its stderr, how long it ran (ms), and its JSON result file. */
export interface ClientScriptResult { code: number | null; stderr: string; ms: number; result: Record<string, unknown> | undefined }

/**
 * Runs `python script ...args` in `cwd` with the real client pointed at `trackingUri`: the child gets
 * none of this process's MLFLOW_* variables but `MLFLOW_TRACKING_URI` and those in `extraEnv`, and
 * `MLPROJECT_E2E_RESULT` naming `<cwd>/<result file>`, where the fixture writes its JSON result
 * (undefined when it wrote none or not JSON).
 */
export function runClientScript(python: string, script: string, args: string[], options: { cwd: string; trackingUri: string; extraEnv?: Record<string, string>; resultFile?: string }): Promise<ClientScriptResult> {
  const resultPath = join(options.cwd, options.resultFile ?? 'result.json');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('MLFLOW_') && value !== undefined) env[key] = value;
  Object.assign(env, { MLFLOW_TRACKING_URI: options.trackingUri, MLPROJECT_E2E_RESULT: resultPath, PYTHONUNBUFFERED: '1' }, options.extraEnv ?? {});
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      let result: Record<string, unknown> | undefined;
      try {
        result = JSON.parse(readFileSync(resultPath, 'utf8')) as Record<string, unknown>;
      } catch {
        result = undefined;
      }
      resolve({ code, stderr, ms: Date.now() - started, result });
    });
  });
}
