import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newRun } from '@mlproject/tracking/conformance';
import { openJsonStore } from '../src/index.js';

// Children run the built package (`tsc -b` first), as another `mlproject run` would.
const storeModule = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const run = promisify(execFile);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlproject-json-concurrency-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A child process that opens the store and runs `body` (with `s` the store). */
function child(path: string, body: string): Promise<unknown> {
  const script = `
    const { openJsonStore } = await import(${JSON.stringify(storeModule)});
    const s = await openJsonStore(${JSON.stringify(path)});
    ${body}
    await s.close();`;
  return run(process.execPath, ['--input-type=module', '-e', script]);
}

const POINTS = 200;
const PARAMS = 50;

describe('several processes writing to one JSON store at once', () => {
  it('lose nothing: each of 4 processes logs 200 metric points and 50 params into one shared run and its own run', async () => {
    const path = join(dir, 'shared.json');
    const store = await openJsonStore(path);
    const shared = (await newRun(store)).info.runId;
    const writers = [1, 2, 3, 4].map((n) => child(path, `
      const own = (await s.createRun({ experimentId: '0', userId: 'w${n}', startTime: ${n}, tags: [] })).info.runId;
      for (let i = 0; i < ${POINTS}; i++) {
        await s.logMetric(${JSON.stringify(shared)}, { key: 'w${n}', value: i, timestamp: i, step: i });
        if (i < ${PARAMS}) await s.logParam(${JSON.stringify(shared)}, { key: 'w${n}_p' + i, value: String(i) });
        if (i % 20 === 0) await s.setTag(own, { key: 'progress', value: String(i) });
      }`));
    // This process writes too, through the store it already has open (its cache must not hide the others' writes).
    for (let i = 0; i < POINTS; i += 1) await store.logMetric(shared, { key: 'parent', value: i, timestamp: i, step: i });
    await Promise.all(writers);

    for (const key of ['w1', 'w2', 'w3', 'w4', 'parent']) {
      const history = (await store.getMetricHistory(shared, key)).items;
      expect(history.map((m) => m.value), key).toEqual(Array.from({ length: POINTS }, (_, i) => i));
    }
    const params = (await store.getRun(shared)).data.params;
    expect(params).toHaveLength(4 * PARAMS);
    expect(params).toContainEqual({ key: 'w3_p49', value: '49' });
    const runs = (await store.searchRuns({ experimentIds: ['0'] })).items;
    expect(runs.map((r) => r.info.userId).sort()).toEqual(['tester', 'w1', 'w2', 'w3', 'w4']);
    for (const r of runs.filter((x) => x.info.userId !== 'tester')) {
      expect(r.data.tags).toContainEqual({ key: 'progress', value: '180' });
    }
    expect(readdirSync(dir)).toEqual(['shared.json']);
  });

  it('agree on one new file when 6 processes create it at the same moment', async () => {
    for (let round = 0; round < 3; round += 1) {
      const path = join(dir, `new-${round}.json`);
      const children = Array.from({ length: 6 }, (_, n) => child(path, `
        await s.createRun({ experimentId: '0', userId: 'u${n}', startTime: 1, tags: [] });
        await s.createExperiment('exp-${n}');`));
      await Promise.all(children);
      const store = await openJsonStore(path);
      expect((await store.searchRuns({ experimentIds: ['0'] })).items).toHaveLength(6);
      const experiments = (await store.searchExperiments({})).items;
      expect(experiments.map((e) => e.name).sort()).toEqual(['Default', 'exp-0', 'exp-1', 'exp-2', 'exp-3', 'exp-4', 'exp-5']);
      expect(experiments.map((e) => Number(e.experimentId)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
  });
});
