import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore } from '../src/index.js';

// 8 real node processes share one store file, each through its own openSqliteStore handle of the
// built package, as 8 `mlproject run` processes do. Nothing may be lost or doubled, and no writer may
// see an error: SQLITE_BUSY is the store's to wait out.
const WRITERS = 8;
const T0 = 1_700_000_000_000;
const writer = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
let dir: string;

interface Outcome { code: number | null; stderr: string; result: { index: number; runId?: string; writes?: number; ms?: number; error?: string } | undefined }

/** Starts a writer and resolves once it printed `ready`; `finished` resolves when it exits. */
async function startWriter(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; finished: Promise<Outcome> }> {
  const child = spawn(process.execPath, [writer, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Outcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let result: Outcome['result'];
      try {
        result = JSON.parse(last) as Outcome['result'];
      } catch {
        result = undefined;
      }
      resolve({ code, stderr, result });
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"ready":true')) resolve();
    });
    void finished.then((o) => reject(new Error(`writer exited (${o.code}) before it was ready: ${o.stderr}${stdout}`)));
  });
  return { child, finished };
}

/** Starts all writers, then releases them at once; returns their outcomes and the wall time in ms. */
async function runTogether(argsOf: (index: number) => string[]): Promise<{ outcomes: Outcome[]; ms: number }> {
  const started = await Promise.all(Array.from({ length: WRITERS }, (_, i) => startWriter(argsOf(i))));
  const t = performance.now();
  for (const { child } of started) child.stdin.end('go\n');
  const outcomes = await Promise.all(started.map((s) => s.finished));
  return { outcomes, ms: performance.now() - t };
}

function expectNoErrors(outcomes: Outcome[]): void {
  const failed = outcomes.filter((o) => o.code !== 0 || o.result?.error !== undefined || o.result?.runId === undefined);
  expect(failed.map((o) => `exit ${o.code}: ${o.result?.error ?? ''} ${o.stderr}`)).toEqual([]);
}

beforeAll(() => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  if (!existsSync(dist)) throw new Error(`${dist} is missing: the writer processes import the built package; run \`pnpm run build\` first.`);
  dir = mkdtempSync(join(tmpdir(), 'mlproject-sqlite-concurrency-'));
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('8 processes writing to one SQLite store at once', () => {
  it('lose nothing, double nothing and see no error: own runs and one shared run', async () => {
    const path = join(dir, 'shared.db');
    const setup = openSqliteStore(path);
    const experimentId = await setup.createExperiment('concurrency');
    const shared = (await setup.createRun({ experimentId, userId: 'test', startTime: T0, tags: [] })).info.runId;

    const { outcomes, ms } = await runTogether((i) => ['log', path, String(i), experimentId, shared]);
    expectNoErrors(outcomes);
    const writes = outcomes.reduce((n, o) => n + (o.result?.writes ?? 0), 0);
    console.log(`[concurrency] ${WRITERS} processes, ${writes} write transactions in ${(ms / 1000).toFixed(2)} s: ${Math.round(writes / (ms / 1000))} writes/s`);

    const db = setup.db;
    const count = (sql: string, ...args: unknown[]): number => db.prepare(sql).pluck().get(...args) as number;
    for (const { result } of outcomes) {
      const { index, runId } = result as { index: number; runId: string };
      const run = await setup.getRun(runId);
      expect(run.info.runName).toBe(`writer-${index}`);
      // Every point exactly once, with the value this writer gave it.
      const oneByOne = (await setup.getMetricHistory(runId, 'one_by_one')).items;
      expect(oneByOne.map((m) => [m.step, m.value])).toEqual(Array.from({ length: 300 }, (_, i) => [i, index * 1e6 + i]));
      const batch = (await setup.getMetricHistory(runId, 'batch')).items;
      expect(batch.map((m) => [m.step, m.value])).toEqual(Array.from({ length: 1000 }, (_, j) => [j, index + j / 1000]));
      expect(count('SELECT count(*) FROM metrics WHERE run_id = ?', runId)).toBe(1300);
      // Latest values.
      expect(run.data.metrics.map((m) => [m.key, m.step, m.value]).sort()).toEqual([['batch', 999, index + 0.999], ['one_by_one', 299, index * 1e6 + 299]]);
      expect(run.data.params.length).toBe(50);
      expect(run.data.params.every((p) => p.value === `${index}.${p.key.slice('param'.length)}`)).toBe(true);
      expect(run.data.tags.filter((t) => /^tag\d+$/.test(t.key)).map((t) => t.value).sort()).toEqual(
        Array.from({ length: 20 }, (_, j) => `${index}.${j}`).sort());
    }

    const sharedRun = await setup.getRun(shared);
    for (let index = 0; index < WRITERS; index += 1) {
      const own = (await setup.getMetricHistory(shared, `shared.p${index}`)).items;
      expect(own.map((m) => [m.step, m.value])).toEqual(Array.from({ length: 100 }, (_, i) => [i, i]));
      expect(sharedRun.data.params.filter((p) => p.key.startsWith(`p${index}.`)).length).toBe(10);
      expect(sharedRun.data.tags.filter((t) => t.key.startsWith(`p${index}.`)).length).toBe(20);
    }
    const latest = (await setup.getMetricHistory(shared, 'shared.latest')).items;
    expect(latest.map((m) => m.step).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 * WRITERS }, (_, s) => s));
    const all = (await setup.getMetricHistory(shared, 'shared.all')).items;
    expect(all.map((m) => [m.step, m.value]).sort((a, b) => a[0]! - b[0]!)).toEqual(
      Array.from({ length: 100 * WRITERS }, (_, s) => [s, Math.floor(s / 100)]));
    // The latest value of keys every writer raced on is the point with the largest step.
    const latestOf = (key: string) => sharedRun.data.metrics.find((m) => m.key === key);
    expect(latestOf('shared.latest')).toMatchObject({ step: 99 * 8 + 7, value: 7 });
    expect(latestOf('shared.all')).toMatchObject({ step: 100 * WRITERS - 1, value: WRITERS - 1 });
    expect(sharedRun.data.metrics.length).toBe(WRITERS + 2);
    expect(count('SELECT count(*) FROM metrics WHERE run_id = ?', shared)).toBe(WRITERS * 300);
    expect(sharedRun.data.params.find((p) => p.key === 'common')?.value).toBe('same');
    expect(sharedRun.data.params.length).toBe(WRITERS * 10 + 1);
    expect(Number(sharedRun.data.tags.find((t) => t.key === 'last_writer')?.value)).toBeOneOf([...Array(WRITERS).keys()]);
    expect(count('SELECT count(*) FROM runs')).toBe(WRITERS + 1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    await setup.close();
  });

  it('create a brand-new file together: one schema, one Default experiment, every process can write', async () => {
    for (let round = 0; round < 3; round += 1) {
      const path = join(dir, `new-${round}.db`);
      const { outcomes } = await runTogether((i) => ['open', path, String(i)]);
      expectNoErrors(outcomes);
      const store = openSqliteStore(path);
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.prepare('SELECT experiment_id, name FROM experiments').all()).toEqual([{ experiment_id: 0, name: 'Default' }]);
      const runs = await store.searchRuns({ experimentIds: ['0'] });
      expect(runs.items.map((r) => r.data.metrics[0]?.value).sort()).toEqual([...Array(WRITERS).keys()]);
      await store.close();
    }
  });
});
