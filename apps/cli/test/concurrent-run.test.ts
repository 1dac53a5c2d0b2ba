import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlproject, tempDir, writeProject } from './helpers.js';

// Several `mlproject run --experiment-name NEW` processes at once on one store: the one that loses
// the race to create the experiment takes the winner's, so every run lands in the same experiment.
const PROCESSES = 6;

/** Starts `PROCESSES` runs into the new experiment `conc` at once; returns each run's experiment ID. */
export async function runConcurrently(trackingUri: string, cwd: string): Promise<string[]> {
  const project = writeProject(path.join(cwd, 'proj'), { MLproject: 'entry_points:\n  main:\n    command: "echo hi"\n' });
  const results = await Promise.all(Array.from({ length: PROCESSES }, () =>
    mlproject(['run', project, '--env-manager', 'local', '--experiment-name', 'conc', '--tracking-uri', trackingUri], { cwd })));
  for (const result of results) expect(result.exitCode, result.all).toBe(0);
  const listed = await mlproject(['runs', 'list', '--json', '--tracking-uri', trackingUri], { cwd });
  expect(listed.exitCode, listed.all).toBe(0);
  return (JSON.parse(listed.stdout) as { info: { experimentId: string } }[]).map((run) => run.info.experimentId);
}

describe('concurrent mlproject run into one new experiment (real processes)', () => {
  it.each(['json:///c.json', 'sqlite:///c.db'])('all succeed, into one experiment, on %s', async (uri) => {
    const ids = await runConcurrently(uri, tempDir('conc'));
    expect(ids).toHaveLength(PROCESSES);
    expect(new Set(ids).size).toBe(1);
  });
});
