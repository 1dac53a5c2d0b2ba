import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliBin, mlproject, repoRoot, tempDir, writeProject } from './helpers.js';

const TICKS = 'entry_points:\n  main:\n    parameters:\n      n: {type: int, default: 3}\n    command: "for i in $(seq 1 {n}); do echo tick $i; sleep 0.5; done; touch done-{n}"\n';

async function runJson(cwd: string, runId: string) {
  const shown = await mlproject(['runs', 'show', runId, '--json'], { cwd });
  return JSON.parse(shown.stdout) as { run: { info: { status: string }; data: { tags: { key: string; value: string }[] } } };
}

describe('run --detach, runs wait, runs cancel', () => {
  it('returns with the run ID while the run goes on; wait exits 0 once it FINISHED, with its logs kept', async () => {
    const cwd = tempDir('detach');
    const project = writeProject(path.join(cwd, 'p'), { MLproject: TICKS });
    const started = await mlproject(['run', project, '--env-manager', 'local', '-P', 'n=8', '--detach'], { cwd });
    expect(started.exitCode, started.all).toBe(0);
    const runId = /^Run ID: ([0-9a-f]{32})$/m.exec(started.stdout)?.[1] ?? '';
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    // It returned before the command could have finished (8 ticks of 0.5 s).
    expect(existsSync(path.join(project, 'done-8'))).toBe(false);
    expect((await runJson(cwd, runId)).run.info.status).toBe('RUNNING');
    const waited = await mlproject(['runs', 'wait', runId], { cwd });
    expect(waited.exitCode, waited.all).toBe(0);
    expect(waited.stdout).toBe(`Run ${runId}: FINISHED`);
    expect(existsSync(path.join(project, 'done-8'))).toBe(true);
    const logs = await mlproject(['runs', 'logs', runId], { cwd });
    expect(logs.stdout).toBe(Array.from({ length: 8 }, (_, i) => `tick ${i + 1}`).join('\n'));
  });

  it('cancel stops a detached run: KILLED, its command never finishes, and wait then exits 1', async () => {
    const cwd = tempDir('detach-cancel');
    const project = writeProject(path.join(cwd, 'p'), { MLproject: TICKS });
    const started = await mlproject(['run', project, '--env-manager', 'local', '-P', 'n=60', '--detach'], { cwd });
    const runId = /^Run ID: ([0-9a-f]{32})$/m.exec(started.stdout)?.[1] ?? '';
    const cancelled = await mlproject(['runs', 'cancel', runId], { cwd });
    expect(cancelled.exitCode, cancelled.all).toBe(0);
    expect(cancelled.stdout).toBe(`Run ${runId}: KILLED`);
    const waited = await mlproject(['runs', 'wait', runId], { cwd });
    expect(waited.exitCode).toBe(1);
    expect(waited.stdout).toBe(`Run ${runId}: KILLED`);
    expect((await mlproject(['runs', 'cancel', runId], { cwd })).stdout).toBe(`Run ${runId} had already ended: KILLED`);
    expect(existsSync(path.join(project, 'done-60'))).toBe(false);
  });

  it('a mistake found before the run starts is reported by the detaching command itself', async () => {
    const cwd = tempDir('detach-bad');
    const project = writeProject(path.join(cwd, 'p'), { MLproject: TICKS });
    const bad = await mlproject(['run', project, '--env-manager', 'local', '-P', 'n=x', '--detach'], { cwd });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^mlproject: error: Invalid value 'x' for parameter n/);
  });

  it('wait --timeout gives up in one line; wait and cancel on an unknown run say so', async () => {
    const cwd = tempDir('detach-timeout');
    const project = writeProject(path.join(cwd, 'p'), { MLproject: TICKS });
    const started = await mlproject(['run', project, '--env-manager', 'local', '-P', 'n=20', '--detach'], { cwd });
    const runId = /^Run ID: ([0-9a-f]{32})$/m.exec(started.stdout)?.[1] ?? '';
    const waited = await mlproject(['runs', 'wait', runId, '--timeout', '0.5'], { cwd });
    expect(waited.exitCode).toBe(1);
    expect(waited.stderr).toMatch(/^mlproject: error: Run [0-9a-f]{32} is still RUNNING after \d+ s/);
    await mlproject(['runs', 'cancel', runId], { cwd });
    const unknown = await mlproject(['runs', 'wait', 'f'.repeat(32)], { cwd });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/not found/);
  });
});

describe('nested projects', () => {
  it('a step that runs `mlproject run` records a child run of its own run, in the same store, with the same env manager', async () => {
    const cwd = tempDir('nested');
    const inner = writeProject(path.join(cwd, 'inner'), { MLproject: 'entry_points:\n  main:\n    command: "echo inner"\n' });
    writeProject(path.join(cwd, 'outer'), { MLproject: `entry_points:\n  main:\n    command: "mlproject run ${inner}"\n` });
    const outer = await mlproject(['run', path.join(cwd, 'outer'), '--env-manager', 'local'], {
      cwd, env: { PATH: `${repoRoot}:${process.env['PATH'] ?? ''}` },
    });
    expect(outer.exitCode, outer.all).toBe(0);
    const ids = [...outer.stdout.matchAll(/Run ID: ([0-9a-f]{32})/g)].map((m) => m[1] ?? '');
    expect(ids).toHaveLength(2);
    const [innerId, outerId] = ids as [string, string];
    const innerRun = await runJson(cwd, innerId);
    const tags = Object.fromEntries(innerRun.run.data.tags.map((t) => [t.key, t.value]));
    expect(tags['mlflow.parentRunId']).toBe(outerId);
    // No --env-manager was given to the inner run: it took the outer run's (local: no env tag).
    expect(tags['mlflow.project.env']).toBeUndefined();
    expect(innerRun.run.info.status).toBe('FINISHED');
  });

  it('Ctrl-C on the outer run stops the inner run first: both KILLED, exit 130, nothing left running', async () => {
    const cwd = tempDir('nested-int');
    const marker = `nested-marker-${process.pid}-${Date.now()}`;
    const inner = writeProject(path.join(cwd, 'inner'), {
      MLproject: `entry_points:\n  main:\n    command: "bash ignore.sh"\n`,
      // Ignores SIGTERM and SIGINT: only the inner runner's SIGKILL ends it.
      'ignore.sh': `trap '' TERM INT\nexec -a ${marker} sleep 300\n`,
    });
    writeProject(path.join(cwd, 'outer'), { MLproject: `entry_points:\n  main:\n    command: "mlproject run ${inner}"\n` });
    const outer = execa('node', [cliBin, 'run', path.join(cwd, 'outer'), '--env-manager', 'local'], {
      cwd, reject: false, all: true, env: { PATH: `${repoRoot}:${process.env['PATH'] ?? ''}`, MLPROJECT_KILL_GRACE_MS: '3000' },
    });
    const running = () => execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.startsWith(marker));
    for (let i = 0; i < 100 && running().length === 0; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toHaveLength(1);
    outer.kill('SIGINT');
    const result = await outer;
    expect(result.exitCode, result.all).toBe(130);
    expect(running()).toEqual([]);
    const listed = JSON.parse((await mlproject(['runs', 'list', '--json'], { cwd })).stdout) as { info: { status: string } }[];
    expect(listed.map((r) => r.info.status)).toEqual(['KILLED', 'KILLED']);
  });
});

describe('run -v/--version and --require-clean on the command line', () => {
  it('takes --version after the URI as the git version, and refuses a dirty tree with --require-clean', async () => {
    const cwd = tempDir('git-cli');
    const repo = writeProject(path.join(cwd, 'repo'), { MLproject: 'entry_points:\n  main:\n    command: "echo one"\n' });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'one');
    git('tag', 'v1');
    writeProject(repo, { MLproject: 'entry_points:\n  main:\n    command: "echo two"\n' });
    git('commit', '-qam', 'two');
    const atTag = await mlproject(['run', `file://${repo}`, '--version', 'v1', '--env-manager', 'local'], { cwd, env: { MLPROJECT_CACHE_DIR: path.join(cwd, 'cache') } });
    expect(atTag.exitCode, atTag.all).toBe(0);
    expect(atTag.stdout).toMatch(/^one$/m);
    const short = await mlproject(['run', `file://${repo}`, '-v', 'v1', '--env-manager', 'local', '--dry-run'], { cwd, env: { MLPROJECT_CACHE_DIR: path.join(cwd, 'cache') } });
    expect(short.stdout).toMatch(/Command: +echo one/);
    writeProject(repo, { 'untracked.txt': 'x' });
    const refused = await mlproject(['run', repo, '--require-clean', '--env-manager', 'local'], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/^mlproject: error: --require-clean: .* has uncommitted changes or untracked files\n {2}hint: /);
    expect((await mlproject(['--version'], { cwd })).stdout).toBe('0.1.0');
  });
});
