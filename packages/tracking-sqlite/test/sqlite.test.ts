import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectTrackingError, newRun } from '@mlproject/tracking/conformance';
import { SCHEMA_VERSION, openSqliteStore, type SqliteStore } from '../src/index.js';

let dir: string;
const open: SqliteStore[] = [];
const track = (store: SqliteStore): SqliteStore => (open.push(store), store);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlproject-sqlite-'));
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteStore specifics', () => {
  it('ignores an empty alembic_version table left in its store by an MLflow tool, refuses a filled one', async () => {
    const path = join(dir, 'touched.db');
    const first = openSqliteStore(path);
    const exp = await first.createExperiment('kept');
    await first.close();
    const raw = new Database(path);
    raw.exec('CREATE TABLE alembic_version (version_num TEXT)');
    raw.close();
    const again = track(openSqliteStore(path));
    expect((await again.getExperiment(exp)).name).toBe('kept');
    await again.close();
    open.splice(open.indexOf(again), 1);
    const raw2 = new Database(path);
    raw2.exec("INSERT INTO alembic_version VALUES ('abc')");
    raw2.close();
    expect(() => openSqliteStore(path)).toThrow(/an MLflow tool has migrated this mlproject store/);
  });

  it('uses increasing integer experiment IDs and an absolute sqlite:// URI', async () => {
    const store = track(openSqliteStore(join(dir, 'a.db')));
    expect(store.uri).toBe(`sqlite:///${join(dir, 'a.db')}`);
    expect(await store.createExperiment('one')).toBe('1');
    expect(await store.createExperiment('two')).toBe('2');
    await expectTrackingError(store.getExperiment('abc'), 'INVALID_PARAMETER_VALUE');
  });

  it('persists across reopening, in WAL mode with a schema version', async () => {
    const path = join(dir, 'persist.db');
    const first = openSqliteStore(path);
    const exp = await first.createExperiment('kept');
    const run = await newRun(first, { experimentId: exp });
    await first.logMetric(run.info.runId, { key: 'm', value: 2, timestamp: 5, step: 1 });
    await first.close();
    const second = track(openSqliteStore(path));
    expect((await second.getRun(run.info.runId)).data.metrics).toEqual([{ key: 'm', value: 2, timestamp: 5, step: 1 }]);
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect((await second.searchExperiments({})).items.map((e) => e.name).sort()).toEqual(['Default', 'kept']);
  });

  it('builds artifact locations from defaultArtifactRoot', async () => {
    const store = track(openSqliteStore(join(dir, 'root.db'), { defaultArtifactRoot: '/data/artifacts' }));
    expect((await store.getExperiment('0')).artifactLocation).toBe('/data/artifacts/0');
    const exp = await store.createExperiment('x');
    const run = await newRun(store, { experimentId: exp });
    expect(run.info.artifactUri).toBe(`/data/artifacts/${exp}/${run.info.runId}/artifacts`);
  });

  it('refuses a file that is not SQLite, leaving it untouched', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'my precious notes\n');
    expect(() => openSqliteStore(path)).toThrow(/not a SQLite database/);
    expect(readFileSync(path, 'utf8')).toBe('my precious notes\n');
  });

  it('refuses an MLflow database, another application\'s database and a newer schema', () => {
    const mlflowDb = join(dir, 'mlflow.db');
    const raw = new Database(mlflowDb);
    raw.exec("CREATE TABLE alembic_version (version_num TEXT); INSERT INTO alembic_version VALUES ('abc'); CREATE TABLE experiments (x)");
    raw.close();
    const before = readFileSync(mlflowDb);
    expect(() => openSqliteStore(mlflowDb)).toThrow(/MLflow tracking database .*alembic_version/);
    // Refused means untouched: not even the journal mode byte of the header changes.
    expect(readFileSync(mlflowDb).equals(before)).toBe(true);
    const other = join(dir, 'other.db');
    const rawOther = new Database(other);
    rawOther.exec('CREATE TABLE inventory (item TEXT)');
    rawOther.close();
    const otherBefore = readFileSync(other);
    expect(() => openSqliteStore(other)).toThrow(/another application/);
    expect(readFileSync(other).equals(otherBefore)).toBe(true);
    const newer = join(dir, 'newer.db');
    openSqliteStore(newer).db.close();
    const rawNewer = new Database(newer);
    rawNewer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    rawNewer.close();
    expect(() => openSqliteStore(newer)).toThrow(/newer than this mlproject understands/);
  });

  it('lets two connections and another process write to the same file at once', async () => {
    const path = join(dir, 'shared.db');
    const a = track(openSqliteStore(path));
    const b = track(openSqliteStore(path));
    const run = await newRun(a);
    const id = run.info.runId;
    await b.setTag(id, { key: 'from', value: 'b' });
    // The child runs the built package (`tsc -b` first), as another process would.
    const storeModule = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      const { openSqliteStore } = await import(${JSON.stringify(storeModule)});
      const s = openSqliteStore(${JSON.stringify(path)});
      for (let i = 0; i < 200; i++) await s.logMetric(${JSON.stringify(id)}, { key: 'child', value: i, timestamp: i, step: i });
      await s.close();`;
    const child = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    for (let i = 0; i < 200; i += 1) await a.logMetric(id, { key: 'parent', value: i, timestamp: i, step: i });
    await child;
    expect((await b.getMetricHistory(id, 'child')).items).toHaveLength(200);
    expect((await b.getMetricHistory(id, 'parent')).items).toHaveLength(200);
    expect((await a.getRun(id)).data.tags).toContainEqual({ key: 'from', value: 'b' });
  });

  it('lets several processes create the same new store file at the same moment', async () => {
    const storeModule = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    for (let round = 0; round < 3; round += 1) {
      const path = join(dir, `new-${round}.db`);
      const script = `
        const { openSqliteStore } = await import(${JSON.stringify(storeModule)});
        const s = openSqliteStore(${JSON.stringify(path)});
        await s.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] });
        await s.close();`;
      const children = Array.from({ length: 6 }, () => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]));
      await Promise.all(children);
      const store = track(openSqliteStore(path));
      expect((await store.searchRuns({ experimentIds: ['0'] })).items).toHaveLength(6);
    }
  });
});
