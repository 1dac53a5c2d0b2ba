import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Run } from '@mlproject/tracking';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { formatRunDetails } from '../src/format.js';
import { mlproject, tempDir, writeProject } from './helpers.js';

describe('runs show', () => {
  it('says a deleted run is deleted (real store, real process)', async () => {
    const cwd = tempDir('show-deleted');
    const project = writeProject(path.join(cwd, 'proj'), { MLproject: 'entry_points:\n  main:\n    command: "echo hi"\n' });
    const ran = await mlproject(['run', project, '--env-manager', 'local'], { cwd });
    const runId = /Run ID: ([0-9a-f]{32})/.exec(ran.stdout)?.[1] ?? '';
    const store = openSqliteStore(path.join(cwd, 'mlproject.db'));
    await store.deleteRun(runId);
    await store.close();
    const shown = await mlproject(['runs', 'show', runId], { cwd });
    expect(shown.exitCode, shown.all).toBe(0);
    expect(shown.stdout.split('\n')[0]).toBe(`Run ${runId} is deleted.`);
    expect(shown.stdout).toMatch(/status\s+FINISHED \(deleted\)/);
  });

  it('lists tags sorted by key whatever order the store gives', () => {
    const run: Run = {
      info: { runId: 'r', runName: 'n', experimentId: '0', userId: 'u', status: 'FINISHED', startTime: 1, endTime: 2, artifactUri: 'a', lifecycleStage: 'active' },
      data: { metrics: [], params: [], tags: [{ key: 'z', value: '1' }, { key: 'a', value: '2' }, { key: 'mlflow.user', value: '3' }] },
      inputs: { datasetInputs: [], modelInputs: [] },
      outputs: { modelOutputs: [] },
    } as Run;
    const text = formatRunDetails({ run, artifactDir: null, artifacts: [], models: [] });
    expect(text).not.toContain('is deleted');
    const tagLines = text.split('\n\n')[3]?.split('\n').slice(1).map((line) => line.split(/\s+/)[0]);
    expect(tagLines).toEqual(['a', 'mlflow.user', 'z']);
  });

  it("run --help lists conda among the env managers", async () => {
    const help = await mlproject(['run', '--help'], { cwd: tempDir('help') });
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('local, virtualenv, uv or conda');
  });
});
