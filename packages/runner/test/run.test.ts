import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { commandTag, finalStatus, run } from '../src/index.js';

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
    expect(tags['mlproject.command']).toBe("bash record.sh hi 'friend; rm -rf /' --extra 'x y'");
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
    await expect(run({ uri: 'nope', cwd })).rejects.toMatchObject({ code: 'ERR_MLPROJECT_SOURCE_NOT_FOUND' });
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(cwd, 'mlproject.db'))).toBe(false);
  });
});

describe('commandTag', () => {
  it('keeps a command whole up to 8000 characters and cuts a longer one, saying so', () => {
    const whole = `python train.py ${'x'.repeat(7984)}`;
    expect(commandTag(whole)).toEqual({ key: 'mlproject.command', value: whole });
    const long = `python train.py ${'y'.repeat(9000)}`;
    const { value } = commandTag(long);
    expect(value).toHaveLength(8000);
    expect(value.startsWith('python train.py yyy')).toBe(true);
    expect(value).toMatch(/ … \[cut: the command has 9016 characters\]$/);
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

async function gitRepo(files: Record<string, string>): Promise<{ root: string; git: (...args: string[]) => Promise<string> }> {
  const { realpathSync } = await import('node:fs');
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'mlproject-git-')));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  const git = async (...args: string[]) => (await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root })).stdout.trim();
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('commit', '-qm', 'c');
  await git('remote', 'add', 'origin', 'https://example.invalid/repo.git');
  return { root, git };
}

const tagsOf = (r: { data: { tags: { key: string; value: string }[] } }) => Object.fromEntries(r.data.tags.map((t) => [t.key, t.value]));

describe('provenance of a run (real git)', () => {
  const ENV = { PATH: process.env['PATH'] ?? '' };

  it('tags a clean local git tree with MLflow names, and a dirty one with ours plus its diff as an artifact', async () => {
    const { root, git } = await gitRepo({ 'sub/proj/MLproject': 'entry_points:\n  main:\n    command: "true"\n' });
    const head = await git('rev-parse', 'HEAD');
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'mlproject-cwd-'));
    const clean = await (await run({ uri: path.join(root, 'sub/proj'), envManager: 'local', cwd, env: ENV })).wait();
    expect(tagsOf(clean.run)).toMatchObject({
      'mlflow.source.name': `file://${root}#sub/proj`, 'mlflow.source.git.commit': head,
      'mlflow.source.git.repoURL': 'https://example.invalid/repo.git', 'mlproject.source.git.dirty': 'false',
    });
    writeFileSync(path.join(root, 'sub/proj/MLproject'), 'entry_points:\n  main:\n    command: "true"  # edited\n');
    writeFileSync(path.join(root, 'sub/proj/new.py'), 'print(1)\n');
    const dirty = await (await run({ uri: path.join(root, 'sub/proj'), envManager: 'local', cwd, env: ENV })).wait();
    expect(tagsOf(dirty.run)['mlproject.source.git.dirty']).toBe('true');
    const { readFileSync } = await import('node:fs');
    const diff = readFileSync(path.join(cwd, 'mlartifacts', '0', dirty.runId, 'artifacts', 'source', 'uncommitted.diff'), 'utf8');
    expect(diff).toContain('+    command: "true"  # edited');
    expect(diff).toContain('new.py');
    await expect(run({ uri: path.join(root, 'sub/proj'), envManager: 'local', cwd, env: ENV, requireClean: true }))
      .rejects.toMatchObject({ code: 'ERR_MLPROJECT_RUN_DIRTY', message: expect.stringMatching(/uncommitted changes/) });
  });

  it('runs a git project at a tag through file:// with #subdir, recording the commit and the original URI', async () => {
    const { root, git } = await gitRepo({ 'p/MLproject': 'entry_points:\n  main:\n    command: "echo v1 > $OUT"\n' });
    await git('tag', 'v1');
    writeFileSync(path.join(root, 'p/MLproject'), 'entry_points:\n  main:\n    command: "echo v2 > $OUT"\n');
    await git('commit', '-qam', 'v2');
    const v1 = await git('rev-parse', 'v1^{commit}');
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'mlproject-cwd-'));
    const out = path.join(cwd, 'out.txt');
    const uri = `file://${root}#p`;
    const done = await (await run({ uri, version: 'v1', envManager: 'local', cwd, cacheDir: path.join(cwd, 'cache'), env: { ...ENV, OUT: out } })).wait();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(out, 'utf8')).toBe('v1\n');
    expect(tagsOf(done.run)).toMatchObject({ 'mlflow.source.name': uri, 'mlflow.source.git.commit': v1 });
  });

  it('marks a run started from inside another run (MLFLOW_RUN_ID) as its child, with the parent\'s env manager', async () => {
    const dir = project({ MLproject: 'entry_points:\n  main:\n    command: "true"\n' });
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'mlproject-cwd-'));
    const parent = 'a'.repeat(32);
    const done = await (await run({ uri: dir, cwd, env: { ...ENV, MLFLOW_RUN_ID: parent, MLPROJECT_ENV_MANAGER: 'local' } })).wait();
    expect(tagsOf(done.run)['mlflow.parentRunId']).toBe(parent);
    expect(tagsOf(done.run)['mlflow.project.env']).toBeUndefined();
    expect(done.status).toBe('FINISHED');
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
