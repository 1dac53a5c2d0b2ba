import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newRun } from '@mlproject/tracking/conformance';
import type { Metric } from '@mlproject/tracking';
import { openSqliteStore } from '../src/index.js';
import { APPLICATION_ID, MIGRATIONS } from '../src/schema.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlproject-sqlite-migration-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const RUN = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);

// Points of 'loss' as a version-1 store held them: [value, is_nan, timestamp, step], NaN stored as
// (0, 1), ±Infinity as they are, logged out of order, several at one (timestamp, step).
const V1_LOSS: [number, number, number, number][] = [
  [0.5, 0, 9, 2], [1, 0, 5, 0], [0, 1, 5, 0], [-1, 0, 5, 0], [0, 0, 5, 0], [Infinity, 0, 5, 0],
  [-Infinity, 0, 5, 0], [0.25, 0, 1, 1], [0.75, 0, 1, 0], [0.1, 0, 5, 1],
];
// The history MLflow 3.17.2's SqlAlchemyStore returns for these points (checked against it; it
// returns ±Infinity as ±1.797e308, the values it stores for them):
// timestamp, then step, then value with NaN as the 0 it is stored as, a real 0 before a NaN.
const LOSS_HISTORY: [number, number, number][] = [
  [0.75, 1, 0], [0.25, 1, 1], [-Infinity, 5, 0], [-1, 5, 0], [0, 5, 0], [Number.NaN, 5, 0], [1, 5, 0],
  [Infinity, 5, 0], [0.1, 5, 1], [0.5, 9, 2],
];

/** Writes a store as mlproject with schema version 1 left it: its DDL, experiment 0, two runs, metrics. */
function writeVersion1Store(path: string): void {
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.exec(MIGRATIONS[1] ?? '');
  raw.prepare("INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (0, 'Default', 'mlflow-artifacts:/0', 1, 1)").run();
  const run = raw.prepare("INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, artifact_uri) VALUES (?, 0, ?, 'u', 'RUNNING', 1, ?)");
  run.run(RUN, 'one', `mlflow-artifacts:/0/${RUN}/artifacts`);
  run.run(OTHER, 'two', `mlflow-artifacts:/0/${OTHER}/artifacts`);
  const metric = raw.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const [value, isNan, timestamp, step] of V1_LOSS) metric.run(RUN, 'loss', value, isNan, timestamp, step, null, null, null);
  metric.run(RUN, 'acc', 0.9, 0, 3, 0, 'm-0123', 'train', 'abc123');
  metric.run(OTHER, 'loss', 7, 0, 1, 0, null, 'eval', null);
  raw.prepare('INSERT INTO latest_metrics VALUES (?, ?, ?, ?, ?, ?)').run(RUN, 'loss', 0.5, 0, 9, 2);
  raw.pragma(`application_id = ${APPLICATION_ID}`);
  raw.pragma('user_version = 1');
  raw.close();
}

const allMetrics = (db: Database.Database): unknown[] =>
  db.prepare('SELECT * FROM metrics ORDER BY run_id, key, timestamp, step, value, is_nan').all();

const triples = (items: Metric[]): [number, number, number][] => items.map((m) => [m.value, m.timestamp, m.step]);

describe('schema migrations', () => {
  it('migrates a version-1 store to a WITHOUT ROWID metrics table keeping every row, once', async () => {
    const path = join(dir, 'v1.db');
    writeVersion1Store(path);
    const before = new Database(path, { readonly: true });
    const rowsBefore = allMetrics(before);
    before.close();
    expect(rowsBefore).toHaveLength(V1_LOSS.length + 2);

    const store = openSqliteStore(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(2);
    expect(store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'metrics'").pluck().get()).toMatch(/WITHOUT ROWID$/);
    expect(store.db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'metrics_v2'").all()).toEqual([]);
    expect(allMetrics(store.db)).toEqual(rowsBefore);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(triples((await store.getMetricHistory(RUN, 'loss')).items)).toEqual(LOSS_HISTORY);
    expect((await store.getMetricHistory(RUN, 'acc')).items)
      .toEqual([{ key: 'acc', value: 0.9, timestamp: 3, step: 0, modelId: 'm-0123', datasetName: 'train', datasetDigest: 'abc123' }]);
    expect((await store.getMetricHistory(OTHER, 'loss')).items).toEqual([{ key: 'loss', value: 7, timestamp: 1, step: 0, datasetName: 'eval' }]);
    const page = await store.getMetricHistory(RUN, 'loss', { maxResults: 4 });
    const rest = await store.getMetricHistory(RUN, 'loss', { maxResults: 100, pageToken: page.nextPageToken ?? '' });
    expect(triples([...page.items, ...rest.items])).toEqual(LOSS_HISTORY);
    // Points already there stay duplicates; the latest metric is carried over.
    await store.logBatch(RUN, { metrics: [{ key: 'loss', value: Number.NaN, timestamp: 5, step: 0 }, { key: 'loss', value: 2, timestamp: 10, step: 3 }] });
    expect(triples((await store.getMetricHistory(RUN, 'loss')).items)).toEqual([...LOSS_HISTORY, [2, 10, 3]]);
    expect((await store.getRun(RUN)).data.metrics).toEqual([{ key: 'loss', value: 2, timestamp: 10, step: 3 }]);
    await store.close();

    // A current file is opened without writing: it opens while another connection holds the
    // write lock (a migration would wait for it), and its bytes do not change.
    const bytes = readFileSync(path);
    const holder = new Database(path);
    holder.prepare('BEGIN IMMEDIATE').run();
    const again = openSqliteStore(path);
    expect(again.db.pragma('user_version', { simple: true })).toBe(2);
    expect((await again.getMetricHistory(RUN, 'loss')).items).toHaveLength(LOSS_HISTORY.length + 1);
    await again.close();
    holder.prepare('ROLLBACK').run();
    holder.close();
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('orders a new store\'s history as a migrated one, as MLflow does', async () => {
    const store = openSqliteStore(join(dir, 'new.db'));
    const { info } = await newRun(store);
    const points = V1_LOSS.map(([value, isNan, timestamp, step]) => ({ key: 'loss', value: isNan ? Number.NaN : value, timestamp, step }));
    await store.logBatch(info.runId, { metrics: points });
    expect(triples((await store.getMetricHistory(info.runId, 'loss')).items)).toEqual(LOSS_HISTORY);
    expect(store.db.prepare(
      "EXPLAIN QUERY PLAN SELECT * FROM metrics WHERE run_id = 'x' AND key = 'y' ORDER BY timestamp, step, value, is_nan",
    ).all().map((row) => (row as { detail: string }).detail)).toEqual(['SEARCH metrics USING PRIMARY KEY (run_id=? AND key=?)']);
    await store.close();
  });

  it('migrates once when several processes open the same version-1 store at the same moment', async () => {
    const path = join(dir, 'shared-v1.db');
    writeVersion1Store(path);
    const before = new Database(path, { readonly: true });
    const rowsBefore = allMetrics(before);
    before.close();
    // The children run the built package (`tsc -b` first), as other processes would.
    const storeModule = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      const { openSqliteStore } = await import(${JSON.stringify(storeModule)});
      const s = openSqliteStore(${JSON.stringify(path)});
      const n = (await s.getMetricHistory(${JSON.stringify(RUN)}, 'loss')).items.length;
      await s.close();
      process.stdout.write(String(n));`;
    const children = Array.from({ length: 4 }, () => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]));
    const outputs = await Promise.all(children);
    expect(outputs.map((o) => o.stdout)).toEqual(Array(4).fill(String(V1_LOSS.length)));
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(2);
    expect(allMetrics(after)).toEqual(rowsBefore);
    after.close();
  });
});
