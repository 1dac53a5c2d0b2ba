import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrackingStore } from '@mlproject/tracking';
import { openJsonStore } from '@mlproject/tracking-json';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { resolveExperimentId } from '../src/experiment.js';
import { racedStore, resolveConcurrently } from './race.js';

describe.each(['json:///c.json', 'sqlite:///c.db'])('resolveExperimentId in parallel processes on %s', (uri) => {
  it('every process gets the one new experiment', async () => {
    const ids = await resolveConcurrently(uri, 'conc');
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[1-9][0-9]*$/);
  });
});

const kinds: [string, (file: string) => Promise<TrackingStore>, string][] = [
  ['sqlite', async (file) => openSqliteStore(file), 'x.db'],
  ['json', (file) => openJsonStore(file), 'x.json'],
];

describe.each(kinds)('resolveExperimentId on %s when another process creates the experiment first', (_kind, open, name) => {
  it('takes the experiment the other process created', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mlproject-exp-')), name);
    const [store, other] = [await open(file), await open(file)];
    const id = await resolveExperimentId(racedStore(store, other), 'conc', undefined, {});
    expect(id).toBe((await other.getExperimentByName('conc'))?.experimentId);
    await Promise.all([store.close(), other.close()]);
  });

  it("refuses it as deleted when the other process deleted it, as for an existing one", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mlproject-exp-')), name);
    const [store, other] = [await open(file), await open(file)];
    await expect(resolveExperimentId(racedStore(store, other, true), 'gone', undefined, {}))
      .rejects.toMatchObject({ code: 'ERR_MLPROJECT_RUN_BAD_OPTION', message: "Experiment 'gone' is deleted" });
    await Promise.all([store.close(), other.close()]);
  });
});
