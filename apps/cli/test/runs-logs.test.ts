import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlproject, tempDir, writeProject } from './helpers.js';

// `runs logs` and the kill-grace option through the built binary (local env manager, fast).
describe('mlproject runs logs', () => {
  const cwd = tempDir('runs-logs');
  const project = writeProject(path.join(cwd, 'proj'), {
    MLproject: 'entry_points:\n  main:\n    command: "printf \'out 1\\\\nout 2\'; echo err >&2; exit 4"\n',
  });
  const env = { HOME: cwd };

  it('prints the stdout log byte for byte; --stderr the stderr log; both go to their own streams with --both', async () => {
    const ran = await mlproject(['run', project, '--env-manager', 'local'], { cwd, env });
    expect(ran.exitCode, ran.all).toBe(4);
    const runId = /Run ID: ([0-9a-f]{32})/.exec(ran.stdout)?.[1] ?? '';
    const out = await mlproject(['runs', 'logs', runId], { cwd, env });
    expect(out).toMatchObject({ exitCode: 0, stdout: 'out 1\nout 2', stderr: '' });
    expect((await mlproject(['runs', 'logs', runId, '--stderr'], { cwd, env })).stdout).toBe('err');
    expect(await mlproject(['runs', 'logs', runId, '--both'], { cwd, env })).toMatchObject({ stdout: 'out 1\nout 2', stderr: 'err' });
    const shown = await mlproject(['runs', 'show', runId, '--json'], { cwd, env });
    const tags = (JSON.parse(shown.stdout) as { run: { data: { tags: { key: string; value: string }[] } } }).run.data.tags;
    expect(tags).toContainEqual({ key: 'mlproject.status.reason', value: 'exit 4' });
  });

  it('bad input is one line and a hint: --stderr with --both (exit 2), an unknown run (exit 1), a bad MLPROJECT_KILL_GRACE_MS (exit 1)', async () => {
    const both = await mlproject(['runs', 'logs', 'x', '--stderr', '--both'], { cwd, env });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toBe('mlproject: error: --stderr and --both cannot be used together\n  hint: pass one of them (--both prints both logs)');
    const unknown = await mlproject(['runs', 'logs', 'nope'], { cwd, env });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr.split('\n')[0]).toMatch(/^mlproject: error: Run 'nope' not found in sqlite:/);
    const grace = await mlproject(['run', project, '--env-manager', 'local'], { cwd, env: { ...env, MLPROJECT_KILL_GRACE_MS: '10s' } });
    expect(grace.exitCode).toBe(1);
    expect(grace.stderr.split('\n')[0]).toBe("mlproject: error: MLPROJECT_KILL_GRACE_MS='10s' is not a whole number of milliseconds");
  });
});
