import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { mlflowPython } from './python-env.js';
import { killAll, startServerProcess, type ServerProcess } from './server-process.js';

// The realistic case of 8 `mlproject run` at once on one store file: 8 tracking server processes,
// each with its own SQLite handle, each fed by the real mlflow client running a training-like script.
// The client would retry a 5xx, so the servers' own logs are checked too: no answer of status >= 400.
const MLFLOW_VERSION = '3.17.2';
const SCRIPTS = 8;
const N = 200;
const T0 = 1_700_000_000_000;
const script = fileURLToPath(new URL('./fixtures/concurrent_logging.py', import.meta.url));
const pythons: ChildProcessWithoutNullStreams[] = [];
let python: string;
let dir: string;

interface Outcome { index: number; code: number | null; stderr: string; runId: string | undefined }

/** Starts the script against `url`; resolves once it printed `ready` (mlflow imported). */
async function startScript(index: number, url: string, experimentId: string, shared: string): Promise<{ child: ChildProcessWithoutNullStreams; finished: Promise<Outcome> }> {
  const resultPath = join(dir, `result-${index}.json`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('MLFLOW_') && value !== undefined) env[key] = value;
  // No client retries: any error answer must surface as a failed script.
  Object.assign(env, { MLFLOW_TRACKING_URI: url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', MLPROJECT_E2E_RESULT: resultPath, PYTHONUNBUFFERED: '1' });
  const child = spawn(python, [script, String(index), experimentId, shared, String(N)], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  pythons.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Outcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      let runId: string | undefined;
      try {
        runId = (JSON.parse(readFileSync(resultPath, 'utf8')) as { run_id: string }).run_id;
      } catch {
        runId = undefined;
      }
      resolve({ index, code, stderr, runId });
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready')) resolve();
    });
    void finished.then((o) => reject(new Error(`script ${index} exited (${o.code}) before it was ready: ${o.stderr}`)));
  });
  return { child, finished };
}

beforeAll(async () => {
  python = await mlflowPython(MLFLOW_VERSION, (line) => console.log(`[e2e] ${line}`));
  dir = mkdtempSync(join(tmpdir(), 'mlproject-concurrent-'));
});
afterAll(() => {
  for (const child of pythons) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  killAll();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe(`8 tracking server processes on one SQLite file, each fed by the real mlflow ${MLFLOW_VERSION} client`, () => {
  it('lose nothing: own runs and one shared run, no error answer anywhere', async () => {
    const db = join(dir, 'mlproject.db');
    const artifacts = join(dir, 'artifacts');
    const servers: ServerProcess[] = await Promise.all(Array.from({ length: SCRIPTS }, () => startServerProcess(db, artifacts)));
    const setup = openSqliteStore(db);
    const experimentId = await setup.createExperiment('concurrent');
    const shared = (await setup.createRun({ experimentId, userId: 'test', startTime: T0, tags: [] })).info.runId;

    const scripts = await Promise.all(servers.map((s, i) => startScript(i, s.url, experimentId, shared)));
    const started = performance.now();
    for (const { child } of scripts) child.stdin.end('go\n');
    const outcomes = await Promise.all(scripts.map((s) => s.finished));
    const seconds = (performance.now() - started) / 1000;
    expect(outcomes.filter((o) => o.code !== 0 || o.runId === undefined).map((o) => `script ${o.index} exit ${o.code}: ${o.stderr.slice(-2000)}`)).toEqual([]);
    expect(servers.map((s) => s.stderr())).toEqual(servers.map(() => ''));
    // Requests per script: create + N * 3 metrics + params + tags + 2 batches + param + tag + end.
    const requests = SCRIPTS * (N * 3 + 8);
    console.log(`[e2e] ${SCRIPTS} mlflow scripts via ${SCRIPTS} servers: ~${requests} write requests in ${seconds.toFixed(1)} s (${Math.round(requests / seconds)}/s)`);

    for (const { index, runId } of outcomes) {
      const run = await setup.getRun(runId!);
      expect(run.info).toMatchObject({ runName: `py-${index}`, status: 'FINISHED', experimentId });
      const oneByOne = (await setup.getMetricHistory(runId!, 'one_by_one')).items;
      expect(oneByOne.map((m) => [m.step, m.value, m.timestamp])).toEqual(Array.from({ length: N }, (_, i) => [i, index * 1e6 + i, T0 + i]));
      const batch = (await setup.getMetricHistory(runId!, 'batch')).items;
      expect(batch.map((m) => [m.step, m.value])).toEqual(Array.from({ length: 1000 }, (_, j) => [j, index + j / 1000]));
      expect(run.data.metrics.map((m) => [m.key, m.step, m.value]).sort()).toEqual([['batch', 999, index + 0.999], ['one_by_one', N - 1, index * 1e6 + N - 1]]);
      expect(Object.fromEntries(run.data.params.map((p) => [p.key, p.value]))).toEqual(
        Object.fromEntries(Array.from({ length: 50 }, (_, j) => [`param${j}`, `${index}.${j}`])));
      expect(run.data.tags.filter((t) => /^tag\d+$/.test(t.key)).length).toBe(20);
      expect(run.data.tags.filter((t) => /^tag\d+$/.test(t.key)).every((t) => t.value === `${index}.${t.key.slice(3)}`)).toBe(true);
    }

    const sharedRun = await setup.getRun(shared);
    for (let index = 0; index < SCRIPTS; index += 1) {
      const own = (await setup.getMetricHistory(shared, `shared.p${index}`)).items;
      expect(own.map((m) => [m.step, m.value])).toEqual(Array.from({ length: N }, (_, i) => [i, i]));
      expect(sharedRun.data.tags.filter((t) => t.key.startsWith(`p${index}.`)).length).toBe(20);
    }
    const latest = (await setup.getMetricHistory(shared, 'shared.latest')).items;
    expect(latest.map((m) => m.step).sort((a, b) => a - b)).toEqual(Array.from({ length: N * SCRIPTS }, (_, s) => s));
    const all = (await setup.getMetricHistory(shared, 'shared.all')).items;
    expect(all.map((m) => m.step).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 * SCRIPTS }, (_, s) => s));
    const latestOf = (key: string) => sharedRun.data.metrics.find((m) => m.key === key);
    expect(latestOf('shared.latest')).toMatchObject({ step: (N - 1) * 8 + SCRIPTS - 1, value: SCRIPTS - 1 });
    expect(latestOf('shared.all')).toMatchObject({ step: 100 * SCRIPTS - 1, value: SCRIPTS - 1 });
    expect(sharedRun.data.params).toEqual([{ key: 'common', value: 'same' }]);
    expect(Number(sharedRun.data.tags.find((t) => t.key === 'last_writer')?.value)).toBeOneOf([...Array(SCRIPTS).keys()]);
    expect(setup.db.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(SCRIPTS * (N + 1000) + SCRIPTS * (2 * N + 100));
    expect(setup.db.pragma('integrity_check', { simple: true })).toBe('ok');
    await setup.close();
  });
});
