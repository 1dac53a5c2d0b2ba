import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectTrackingError, newRun } from '@mlproject/tracking/conformance';
import { FORMAT, FORMAT_VERSION, openJsonStore, type StoreData } from '../src/index.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlproject-json-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const readJson = (path: string): StoreData => JSON.parse(readFileSync(path, 'utf8')) as StoreData;

describe('JsonStore specifics', () => {
  it('names itself json:///<absolute path>, uses increasing integer experiment IDs, and marks the file', async () => {
    const path = join(dir, 'a.json');
    const store = await openJsonStore(path);
    expect(store.uri).toBe(`json:///${path}`);
    expect(await store.createExperiment('one')).toBe('1');
    expect(await store.createExperiment('two')).toBe('2');
    await expectTrackingError(store.getExperiment('abc'), 'INVALID_PARAMETER_VALUE');
    const file = readJson(path);
    expect(file.format).toBe(FORMAT);
    expect(file.version).toBe(FORMAT_VERSION);
    expect(Object.keys(file.experiments).sort()).toEqual(['0', '1', '2']);
    await store.close();
  });

  it('persists across reopening', async () => {
    const path = join(dir, 'persist.json');
    const first = await openJsonStore(path);
    const exp = await first.createExperiment('kept', undefined, [{ key: 'team', value: 'ml' }]);
    const run = await newRun(first, { experimentId: exp });
    await first.logBatch(run.info.runId, { metrics: [{ key: 'm', value: 2, timestamp: 5, step: 1 }], params: [{ key: 'alpha', value: '0.5' }] });
    await first.updateRun(run.info.runId, { status: 'FINISHED', endTime: 9 });
    await first.close();
    const second = await openJsonStore(path);
    const got = await second.getRun(run.info.runId);
    expect(got.data.metrics).toEqual([{ key: 'm', value: 2, timestamp: 5, step: 1 }]);
    expect(got.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    expect(got.info).toMatchObject({ status: 'FINISHED', endTime: 9, experimentId: exp });
    expect((await second.getExperiment(exp)).tags).toEqual([{ key: 'team', value: 'ml' }]);
    expect((await second.searchExperiments({})).items.map((e) => e.name).sort()).toEqual(['Default', 'kept']);
    // IDs keep increasing after a reopen, even past a deleted experiment.
    await second.deleteExperiment(exp);
    expect(await second.createExperiment('next')).toBe(String(Number(exp) + 1));
  });

  it('keeps NaN and ±Infinity through the file, stored as the strings "NaN", "Infinity", "-Infinity"', async () => {
    const path = join(dir, 'nan.json');
    const first = await openJsonStore(path);
    const run = await newRun(first);
    const id = run.info.runId;
    await first.logBatch(id, {
      metrics: [
        { key: 'nan', value: Number.NaN, timestamp: 1, step: 0 },
        { key: 'inf', value: Infinity, timestamp: 1, step: 0 },
        { key: 'ninf', value: -Infinity, timestamp: 1, step: 0 },
        { key: 'plain', value: 0.25, timestamp: 1, step: 0 },
      ],
    });
    const stored = readJson(path).runs[id]?.metrics.map((h) => [h.key, h.points[0]?.value]);
    expect(stored).toEqual([['nan', 'NaN'], ['inf', 'Infinity'], ['ninf', '-Infinity'], ['plain', 0.25]]);
    const second = await openJsonStore(path);
    const values = Object.fromEntries((await second.getRun(id)).data.metrics.map((m) => [m.key, m.value]));
    expect(Number.isNaN(values['nan'])).toBe(true);
    expect(values['inf']).toBe(Infinity);
    expect(values['ninf']).toBe(-Infinity);
    expect(values['plain']).toBe(0.25);
    const history = await second.getMetricHistory(id, 'nan');
    expect(history.items).toHaveLength(1);
    expect(Number.isNaN(history.items[0]?.value)).toBe(true);
  });

  it('refuses a file that is not JSON, JSON that is not a store, and a newer version, leaving each untouched', async () => {
    const cases: [string, string, RegExp][] = [
      ['notes.txt', 'my precious notes\n', /not valid JSON/],
      ['package.json', '{\n  "name": "something-else",\n  "version": "1.0.0"\n}\n', /not an mlproject JSON store/],
      ['array.json', '[1, 2, 3]', /not an mlproject JSON store/],
      ['null.json', 'null', /not an mlproject JSON store/],
      ['newer.json', JSON.stringify({ format: FORMAT, version: FORMAT_VERSION + 1, nextExperimentId: 1, experiments: {}, runs: {}, loggedModels: {} }), /newer than this mlproject understands/],
      ['damaged.json', JSON.stringify({ format: FORMAT, version: 1, nextExperimentId: 1, experiments: {}, runs: [], loggedModels: {} }), /it is damaged: runs is not an object \(found Array\)\. Restore it from a copy\.$/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const before = statSync(path);
      await expectTrackingError(openJsonStore(path), 'INVALID_PARAMETER_VALUE', message);
      expect(readFileSync(path, 'utf8')).toBe(content);
      expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
    }
    // Nothing else was left beside them: no lock directory, no temporary file.
    expect(readdirSync(dir).sort()).toEqual(cases.map(([name]) => name).sort());
  });

  it('refuses a damaged store in one line naming the first bad key path, leaving it untouched', async () => {
    const path = join(dir, 'store.json');
    const store = await openJsonStore(path);
    const run = await newRun(store);
    await store.logMetric(run.info.runId, { key: 'm', value: 1, timestamp: 1, step: 0 });
    await store.close();
    const good = readJson(path);
    const id = run.info.runId;
    const damages: [string, (data: StoreData) => void, string][] = [
      ['params null', (data) => { (data.runs[id] as unknown as Record<string, unknown>)['params'] = null; }, `runs.${id}.params is not a list (found null)`],
      ['metric without latest', (data) => { delete (data.runs[id]?.metrics[0] as unknown as Record<string, unknown>)['latest']; }, `runs.${id}.metrics.0.latest is missing`],
      ['no startTime', (data) => { delete (data.runs[id] as unknown as Record<string, unknown>)['startTime']; }, `runs.${id}.startTime is missing`],
      ['null experiment', (data) => { (data.experiments as Record<string, unknown>)['0'] = null; }, 'experiments.0 is not an object (found null)'],
      ['bad status', (data) => { (data.runs[id] as unknown as Record<string, unknown>)['status'] = 'DONE'; }, `runs.${id}.status is not one of`],
      ['string value', (data) => { (data.runs[id]?.metrics[0]?.points[0] as unknown as Record<string, unknown>)['value'] = 'x'; }, `runs.${id}.metrics.0.points.0.value is not a number or "NaN"`],
    ];
    for (const [name, damage, message] of damages) {
      const data = structuredClone(good);
      damage(data);
      const content = JSON.stringify(data, null, 2);
      writeFileSync(path, content);
      const error = await openJsonStore(path).then(() => undefined, (e: unknown) => e as Error & { errorCode: string });
      expect(error?.errorCode, name).toBe('INVALID_PARAMETER_VALUE');
      expect(error?.message, name).toContain(`Cannot use '${path}' as an mlproject JSON tracking store: it is damaged: ${message}`);
      expect(error?.message, name).toMatch(/Restore it from a copy\.$/);
      expect(error?.message, name).not.toContain('\n');
      expect(readFileSync(path, 'utf8'), name).toBe(content);
    }
  });

  it('reads a store that starts with a UTF-8 byte order mark; other bad JSON is one line', async () => {
    const path = join(dir, 'bom.json');
    const store = await openJsonStore(path);
    const run = await newRun(store);
    await store.close();
    writeFileSync(path, `\uFEFF${readFileSync(path, 'utf8')}`);
    const reopened = await openJsonStore(path);
    expect((await reopened.getRun(run.info.runId)).info.runId).toBe(run.info.runId);
    await reopened.close();
    writeFileSync(path, '{\n  "format": "mlproject-tracking-json",\n  oops\n}\n');
    const error = await openJsonStore(path).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/not valid JSON \(.*\)\. Point the tracking URI/);
    expect(error?.message).not.toContain('\n');
  });

  it('refuses a file that another program turned into something else while the store was open, without writing', async () => {
    const path = join(dir, 'swapped.json');
    const store = await openJsonStore(path);
    const run = await newRun(store);
    writeFileSync(path, '{"not": "a store"}');
    await expectTrackingError(store.setTag(run.info.runId, { key: 'k', value: 'v' }), 'INVALID_PARAMETER_VALUE', /not an mlproject JSON store/);
    await expectTrackingError(store.getRun(run.info.runId), 'INVALID_PARAMETER_VALUE', /not an mlproject JSON store/);
    expect(readFileSync(path, 'utf8')).toBe('{"not": "a store"}');
  });

  it('makes a new store of a missing or empty (0-byte) file', async () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    const store = await openJsonStore(empty);
    expect((await store.getExperiment('0')).name).toBe('Default');
    expect(readJson(empty).experiments['0']?.name).toBe('Default');
    await expectTrackingError(openJsonStore(join(dir, 'no-such-dir', 'x.json')), 'INTERNAL_ERROR');
  });

  it('builds artifact locations from defaultArtifactRoot, default mlflow-artifacts:/', async () => {
    const plain = await openJsonStore(join(dir, 'plain.json'));
    expect((await plain.getExperiment('0')).artifactLocation).toBe('mlflow-artifacts:/0');
    const store = await openJsonStore(join(dir, 'root.json'), { defaultArtifactRoot: '/data/artifacts', now: () => 42 });
    expect(await store.getExperiment('0')).toMatchObject({ artifactLocation: '/data/artifacts/0', creationTime: 42 });
    const exp = await store.createExperiment('x');
    const run = await newRun(store, { experimentId: exp });
    expect(run.info.artifactUri).toBe(`/data/artifacts/${exp}/${run.info.runId}/artifacts`);
  });

  it('writes by renaming a new file into place, leaving no temporary file behind', async () => {
    const path = join(dir, 'atomic.json');
    const store = await openJsonStore(path);
    const before = statSync(path).ino;
    await newRun(store);
    expect(statSync(path).ino).not.toBe(before);
    expect(readdirSync(dir)).toEqual(['atomic.json']);
  });

  it('sees what another store on the same file wrote, and a refused write changes nothing', async () => {
    const path = join(dir, 'shared.json');
    const a = await openJsonStore(path);
    const b = await openJsonStore(path);
    const run = await newRun(a);
    const id = run.info.runId;
    await b.logParam(id, { key: 'alpha', value: '1' });
    expect((await a.getRun(id)).data.params).toEqual([{ key: 'alpha', value: '1' }]);
    const bytes = readFileSync(path, 'utf8');
    // A batch whose param conflicts: its metric and tag must not appear, in memory or in the file.
    await expectTrackingError(
      a.logBatch(id, { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }], params: [{ key: 'alpha', value: '2' }], tags: [{ key: 't', value: 'v' }] }),
      'INVALID_PARAMETER_VALUE', /Changing param values/,
    );
    expect(readFileSync(path, 'utf8')).toBe(bytes);
    const after = await a.getRun(id);
    expect(after.data.metrics).toEqual([]);
    expect(after.data.tags.map((t) => t.key)).toEqual(['mlflow.runName']);
  });

  it('takes over the lock of a process that died holding it (older than 10 s)', async () => {
    const path = join(dir, 'stale.json');
    const store = await openJsonStore(path);
    const lock = `${path}.lock`;
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    await newRun(store);
    expect(existsSync(lock)).toBe(false);
    expect((await store.searchRuns({ experimentIds: ['0'] })).items).toHaveLength(1);
  });
});
