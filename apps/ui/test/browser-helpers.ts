// Set-up shared by the browser tests: a real `mlproject ui` process over a temp SQLite store, runs
// logged through the REST API as the `mlflow` client logs them, and Debian's Chromium via
// playwright-core.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cliBin = path.join(repoRoot, 'apps/cli/dist/mlproject.mjs');
/** Where the tests save screenshots. */
export const shots = path.join(repoRoot, 'test-artifacts/ui');
export const CHROMIUM = process.env['MLPROJECT_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
/**
 * '' when Chromium is there; otherwise the reason the browser suites skip, to append to their names
 * (`describe.skipIf(noChromium !== '')(\`name${noChromium}\`, ...)`).
 */
export const noChromium = existsSync(CHROMIUM) ? '' : ` (skipped: no Chromium at ${CHROMIUM}; scripts/ci-chromium.sh installs Debian's)`;

export interface UiServer {
  /** e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  url: string;
  /** Stops the process (SIGTERM), waits for it and removes its temp directory. */
  stop(): Promise<void>;
}

/**
 * Starts `mlproject ui --port 0` with `args` in `cwd`, with `env` added to its environment, and
 * resolves once it prints its URL. `stop()` stops it (SIGTERM) and waits for it; the directory stays.
 * @throws Error with the process's output when it exits before that.
 */
export async function serveUi(cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<UiServer> {
  const child = execa('node', [cliBin, 'ui', '--port', '0', ...args], { cwd, env, reject: false, all: true });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /at (http:\/\/\S+) /.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void child.then(() => reject(new Error(`mlproject ui exited: ${output}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

/**
 * Starts `mlproject ui --port 0` over `sqlite:///ui.db` in a fresh temp directory, with `env` added
 * to its environment (e.g. MLPROJECT_SERVER_TOKEN) and `args` to its flags, and resolves once it
 * prints its URL; `stop()` also removes the directory.
 * @throws Error with the process's output when it exits before that.
 */
export async function startUi(env: Record<string, string> = {}, args: string[] = []): Promise<UiServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlproject-ui-'));
  mkdirSync(shots, { recursive: true });
  const server = await serveUi(dir, ['--backend-store-uri', 'sqlite:///ui.db', ...args], env);
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The path of the built CLI (`apps/cli/dist/mlproject.mjs`), for tests that run other commands. */
export const CLI = cliBin;

/** Debian's Chromium (or MLPROJECT_TEST_CHROMIUM), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** One REST call to `<url>/api/2.0/mlflow/<route>`, expected to answer 200; its JSON. */
export async function api(url: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(`${url}/api/2.0/mlflow/${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  expect(response.status, `${route}: ${await response.clone().text()}`).toBe(200);
  return response.json();
}

/**
 * Logs a finished run with a param, a five-step metric history, tags, logs/stdout.txt and maybe a
 * lock, as `mlflow` would; `headers` go with every request (e.g. the token). Returns the run ID.
 */
export async function logRun(url: string, name: string, alpha: number, lock?: string, headers: Record<string, string> = {}): Promise<string> {
  const { run } = await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: name, start_time: Date.now() - 65_000, user_id: 'ana' }, headers);
  const runId: string = run.info.run_id;
  await api(url, 'POST', 'runs/log-batch', {
    run_id: runId,
    params: [{ key: 'alpha', value: String(alpha) }],
    metrics: [0, 1, 2, 3, 4].map((step) => ({ key: 'rmse', value: alpha / (step + 1), timestamp: Date.now() + step, step })),
    tags: [{ key: 'mlflow.source.name', value: 'examples/sklearn-linear' }],
  }, headers);
  // logs/stdout.txt where `mlproject run` keeps it: mlflow-artifacts:/<experiment>/<run>/artifacts.
  const root = String(run.info.artifact_uri).replace(/^mlflow-artifacts:\//, '');
  const put = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/logs/stdout.txt`, { method: 'PUT', headers, body: `training ${name}\nrmse ${alpha / 5}\n` });
  expect(put.status).toBe(200);
  if (lock !== undefined) {
    const putLock = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/environment/lock.txt`, { method: 'PUT', headers, body: lock });
    expect(putLock.status).toBe(200);
  }
  await api(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() }, headers);
  return runId;
}
