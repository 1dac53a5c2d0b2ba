import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { finalStatus, localProvenance, run } from '../src/index.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-runner-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

// Writes its arguments (one per line) and the child's MLFLOW_ variables, then exits with $EXIT.
const RECORD_SH = 'printf "%s\\n" "$@" > out.txt; env | grep ^MLFLOW_ | sort >> out.txt; exit "${EXIT:-0}"\n';

const MLPROJECT = [
  'name: t',
  'entry_points:',
  '  main:',
  '    parameters:',
  '      greeting: {type: string, default: hi}',
  '      name: string',
  '    command: "bash record.sh {greeting} {name}"',
  '',
].join('\n');

describe('run() with the local env manager (real bash, real SQLite, real REST server)', () => {
  it('renders the command, hands the child MLflow variables, logs params and ends FINISHED', async () => {
    const dir = project({ MLproject: MLPROJECT, 'record.sh': RECORD_SH });
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'mlproject-cwd-'));
    const submitted = await run({ uri: dir, params: { name: 'friend; rm -rf /', extra: 'x y' }, envManager: 'local', cwd, env: { PATH: process.env['PATH'] ?? '' } });
    expect(submitted.command).toBe("bash record.sh hi 'friend; rm -rf /' --extra 'x y'");
    const outcome = await submitted.wait();
    expect(outcome.status).toBe('FINISHED');
    expect(outcome.exitCode).toBe(0);
    const { readFileSync } = await import('node:fs');
    const out = readFileSync(path.join(dir, 'out.txt'), 'utf8');
    expect(out.split('\n').slice(0, 4)).toEqual(['hi', 'friend; rm -rf /', '--extra', 'x y']);
    expect(out).toContain(`MLFLOW_RUN_ID=${outcome.runId}`);
    expect(out).toMatch(/MLFLOW_TRACKING_URI=http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('MLFLOW_EXPERIMENT_ID=0');
    const store = openSqliteStore(path.join(cwd, 'mlproject.db'));
    const stored = await store.getRun(outcome.runId);
    await store.close();
    const params = Object.fromEntries(stored.data.params.map((p) => [p.key, p.value]));
    expect(params).toEqual({ greeting: 'hi', name: "'friend; rm -rf /'", extra: "'x y'" });
    const tags = Object.fromEntries(stored.data.tags.map((t) => [t.key, t.value]));
    expect(tags['mlflow.project.backend']).toBe('local');
    expect(tags['mlflow.project.env']).toBeUndefined();
    expect(stored.info.status).toBe('FINISHED');
  });

  it('ends FAILED with the exit code of a failing command, in the named experiment', async () => {
    const dir = project({ MLproject: MLPROJECT, 'record.sh': RECORD_SH });
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'mlproject-cwd-'));
    const submitted = await run({
      uri: dir, params: { name: 'x' }, envManager: 'local', cwd, experimentName: 'exp-a', runName: 'my-run',
      env: { PATH: process.env['PATH'] ?? '', EXIT: '7' },
    });
    const outcome = await submitted.wait();
    expect(outcome).toMatchObject({ status: 'FAILED', exitCode: 7, signal: null });
    expect(outcome.run.info.runName).toBe('my-run');
    expect(outcome.experimentId).not.toBe('0');
  });

  it('cancel() kills the child and the run ends KILLED', async () => {
    const dir = project({ MLproject: 'entry_points:\n  main:\n    command: "sleep 30"\n' });
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'mlproject-cwd-'));
    const submitted = await run({ uri: dir, envManager: 'local', cwd, env: { PATH: process.env['PATH'] ?? '' } });
    expect(submitted.getStatus()).toBe('RUNNING');
    await submitted.cancel();
    const outcome = await submitted.wait();
    expect(outcome.status).toBe('KILLED');
    expect(submitted.getStatus()).toBe('KILLED');
  });

  it('refuses a missing directory before creating any store', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'mlproject-cwd-'));
    await expect(run({ uri: 'nope', cwd })).rejects.toMatchObject({ code: 'ERR_MLPROJECT_RUN_PROJECT_NOT_FOUND' });
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(cwd, 'mlproject.db'))).toBe(false);
  });
});

describe('finalStatus', () => {
  it('follows the exit code and signal', () => {
    expect(finalStatus(0, null)).toBe('FINISHED');
    expect(finalStatus(3, null)).toBe('FAILED');
    expect(finalStatus(null, 'SIGTERM')).toBe('KILLED');
    expect(finalStatus(null, 'SIGSEGV')).toBe('FAILED');
  });
});

describe('localProvenance', () => {
  it('gives file://<root>#<subdir>, the commit and the first remote inside a git repo', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mlproject-git-'));
    const sub = path.join(root, 'sub', 'proj');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'MLproject'), 'name: x\n');
    const git = (...args: string[]) => execa('git', args, { cwd: root });
    await git('init', '-q');
    await git('add', '.');
    await git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'c');
    await git('remote', 'add', 'origin', 'https://example.invalid/repo.git');
    const head = (await git('rev-parse', 'HEAD')).stdout.trim();
    const { realpathSync } = await import('node:fs');
    const prov = await localProvenance(sub);
    expect(prov).toEqual({ sourceName: `file://${realpathSync(root)}#sub/proj`, gitCommit: head, gitRepoUrl: 'https://example.invalid/repo.git' });
  });

  it('gives the plain directory and no git tags outside a repo', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-nogit-'));
    expect(await localProvenance(dir)).toEqual({ sourceName: dir, gitCommit: null, gitRepoUrl: null });
  });
});

describe('run() interrupted before the command starts', () => {
  it('ends the run KILLED and throws ERR_MLPROJECT_RUN_INTERRUPTED', async () => {
    const dir = project({ MLproject: 'entry_points:\n  main:\n    command: "touch started"\n' });
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'mlproject-cwd-'));
    const controller = new AbortController();
    controller.abort('SIGINT');
    await expect(run({ uri: dir, envManager: 'local', cwd, signal: controller.signal, env: { PATH: process.env['PATH'] ?? '' } }))
      .rejects.toMatchObject({ code: 'ERR_MLPROJECT_RUN_INTERRUPTED' });
    const store = openSqliteStore(path.join(cwd, 'mlproject.db'));
    const runs = (await store.searchRuns({ experimentIds: ['0'] })).items;
    await store.close();
    expect(runs.map((r) => r.info.status)).toEqual(['KILLED']);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(dir, 'started'))).toBe(false);
  });
});
