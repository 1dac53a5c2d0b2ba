import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlproject, tempDir, writeProject } from './helpers.js';

interface Details {
  run: { info: { status: string }; data: { tags: { key: string; value: string }[] } };
  artifactDir: string;
  artifacts: { path: string }[];
}

async function show(runId: string, cwd: string): Promise<Details> {
  return JSON.parse((await mlproject(['runs', 'show', runId, '--json'], { cwd })).stdout) as Details;
}

const runIdOf = (stdout: string): string => /Run ID: ([0-9a-f]{32})/.exec(stdout)?.[1] ?? '';

// Real uv, real PyPI packages, real venvs: the record of what a run was built with.
describe('environment records (real uv and PyPI)', () => {
  const cwd = tempDir('envrec');
  const env = { MLPROJECT_CACHE_DIR: path.join(cwd, 'cache') };

  it('attaches the exact installed set to the run as environment/lock.txt, with its digest as a tag', async () => {
    const project = writeProject(path.join(cwd, 'pyenv'), {
      MLproject: 'entry_points:\n  main:\n    command: "python -c \'import six; print(six.__version__)\'"\n',
      'python_env.yaml': 'python: "3.11"\ndependencies:\n  - six==1.16.0\n',
    });
    const result = await mlproject(['run', project], { cwd, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain('1.16.0');
    const details = await show(runIdOf(result.stdout), cwd);
    expect(details.artifacts.map((a) => a.path)).toContain('environment/lock.txt');
    const lock = readFileSync(path.join(details.artifactDir, 'environment/lock.txt'), 'utf8');
    expect(lock).toMatch(/^six==1\.16\.0/m);
    const tags = Object.fromEntries(details.run.data.tags.map((t) => [t.key, t.value]));
    expect(tags['mlproject.env.lockDigest']).toMatch(/^[0-9a-f]{64}$/);
    expect(tags['mlproject.env.python']).toMatch(/^3\.11\.\d+$/);
  });

  it('builds a virtualenv from a conda.yaml as MLflow does, warning about dropped conda packages', async () => {
    const project = writeProject(path.join(cwd, 'conda'), {
      MLproject: 'entry_points:\n  main:\n    command: "python -c \'import six; print(six.__version__)\'"\n',
      'conda.yaml': 'name: x\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy\n  - pip\n  - pip:\n    - six==1.16.0\n',
    });
    const result = await mlproject(['run', project, '--env-manager', 'virtualenv'], { cwd, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain('1.16.0');
    expect(result.stderr).toMatch(/mlproject: warning: .*numpy/);
  });

  it('a failed install exits 69, ends the run FAILED and keeps the build log with the run', async () => {
    const project = writeProject(path.join(cwd, 'bad'), {
      MLproject: 'entry_points:\n  main:\n    command: "true"\n',
      'python_env.yaml': 'python: "3.11"\ndependencies:\n  - this-package-does-not-exist-mlproject==0.0.1\n',
    });
    const result = await mlproject(['run', project], { cwd, env });
    expect(result.exitCode, result.all).toBe(69);
    expect(result.stderr).toMatch(/^mlproject: error: .*this-package-does-not-exist-mlproject/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const list = JSON.parse((await mlproject(['runs', 'list', '--json'], { cwd })).stdout) as { info: { runId: string; status: string } }[];
    const failed = list[0];
    expect(failed?.info.status).toBe('FAILED');
    const details = await show(failed?.info.runId ?? '', cwd);
    expect(details.artifacts.map((a) => a.path)).toContain('environment/build.log');
    expect(readFileSync(path.join(details.artifactDir, 'environment/build.log'), 'utf8')).toContain('this-package-does-not-exist-mlproject');
  });

  it('replays a run\'s environment from its recorded lock (--frozen-from), and rebuilds on --rebuild-env', async () => {
    const project = writeProject(path.join(cwd, 'loose'), {
      MLproject: 'entry_points:\n  main:\n    command: "python -c \'import idna; print(idna.__version__)\'"\n',
      'python_env.yaml': 'python: "3.11"\ndependencies:\n  - idna\n',
    });
    const first = await mlproject(['run', project], { cwd, env });
    expect(first.exitCode, first.all).toBe(0);
    const firstId = runIdOf(first.stdout);
    const firstLock = readFileSync(path.join((await show(firstId, cwd)).artifactDir, 'environment/lock.txt'), 'utf8');

    // Another cache: nothing to reuse, so the env is built from the lock alone.
    const otherCache = { MLPROJECT_CACHE_DIR: path.join(cwd, 'cache-2') };
    const replay = await mlproject(['run', project, '--frozen-from', firstId], { cwd, env: otherCache });
    expect(replay.exitCode, replay.all).toBe(0);
    const replayed = await show(runIdOf(replay.stdout), cwd);
    expect(readFileSync(path.join(replayed.artifactDir, 'environment/lock.txt'), 'utf8')).toBe(firstLock);
    const tags = Object.fromEntries(replayed.run.data.tags.map((t) => [t.key, t.value]));
    expect(tags['mlproject.env.frozenFrom']).toBe(firstId);

    const rebuilt = await mlproject(['run', project, '--rebuild-env'], { cwd, env });
    expect(rebuilt.exitCode, rebuilt.all).toBe(0);
    expect(rebuilt.stderr).toMatch(/built environment .* in [0-9.]+ s/);
  });

  it('lists, shows, removes and garbage-collects cached environments', async () => {
    const listed = await mlproject(['env', 'list', '--json'], { cwd, env });
    expect(listed.exitCode, listed.all).toBe(0);
    const envs = JSON.parse(listed.stdout) as { key: string; lockFile: string | null; packages: number }[];
    expect(envs.length).toBeGreaterThanOrEqual(2);
    const [first] = envs;
    const shown = await mlproject(['env', 'show', first?.key.slice(0, 10) ?? ''], { cwd, env });
    expect(shown.exitCode, shown.all).toBe(0);
    expect(shown.stdout).toContain(first?.key ?? 'missing');
    expect(shown.stdout).toMatch(/==/);
    const removed = await mlproject(['env', 'rm', first?.key.slice(0, 10) ?? ''], { cwd, env });
    expect(removed.stdout).toContain(`removed virtualenv/${first?.key}`);
    const none = await mlproject(['env', 'show', 'ffffffffffffffff'], { cwd, env });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/^mlproject: error: no cached environment has a key starting with 'ffffffffffffffff'/);
    const gc = await mlproject(['env', 'gc', '--older-than', '0s'], { cwd, env });
    expect(gc.exitCode, gc.all).toBe(0);
    expect(JSON.parse((await mlproject(['env', 'list', '--json'], { cwd, env })).stdout)).toEqual([]);
    const bad = await mlproject(['env', 'gc', '--older-than', 'soon'], { cwd, env });
    expect(bad.exitCode).toBe(2);
  });
});
