import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError, isExpected } from '../src/errors.js';
import { exitCodeOf } from '../src/commands/run.js';
import { mlproject, tempDir, writeProject } from './helpers.js';

describe('error formatting', () => {
  it('prints expected errors as one line with a hint, others with their stack', () => {
    const expected = Object.assign(new Error('MLproject: entry_points.train.command: expected a string, found a number'), {
      code: 'ERR_MLPROJECT_SPEC_INVALID', hint: 'quote the command',
    });
    expect(isExpected(expected)).toBe(true);
    expect(formatError(expected)).toBe('mlproject: error: MLproject: entry_points.train.command: expected a string, found a number\n  hint: quote the command');
    const bug = new TypeError('x is undefined');
    expect(isExpected(bug)).toBe(false);
    expect(formatError(bug)).toMatch(/TypeError: x is undefined\n\s+at /);
  });

  it('maps a signal to 128 + n', () => {
    const base = { runId: 'r', experimentId: '0', status: 'KILLED' as const, run: {} as never };
    expect(exitCodeOf({ ...base, exitCode: null, signal: 'SIGINT' })).toBe(130);
    expect(exitCodeOf({ ...base, exitCode: null, signal: 'SIGKILL' })).toBe(137);
    expect(exitCodeOf({ ...base, exitCode: 3, signal: null })).toBe(3);
    expect(exitCodeOf({ ...base, exitCode: null, signal: 'SIGSEGV' })).toBe(139);
    expect(exitCodeOf({ ...base, exitCode: null, signal: 'SIGABRT' })).toBe(134);
  });
});

describe('mlproject binary (local env manager)', () => {
  const cwd = tempDir('cli');
  const project = path.join(cwd, 'proj');
  writeProject(project, { MLproject: 'entry_points:\n  main:\n    parameters:\n      a: string\n    command: "echo got {a}"\n' });

  it('takes -P, --param-list and --param alike, in order', async () => {
    const result = await mlproject(['run', project, '--env-manager', 'local', '-P', 'a=1', '--param-list', 'b=2', '--param', 'c=x=y'], { cwd });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain('got 1 --b 2 --c x=y');
    expect(result.stdout).toMatch(/Run ID: [0-9a-f]{32}\nStatus: FINISHED/);
  });

  it('rejects a malformed -P with MLflow\'s message and a repeated one', async () => {
    const bad = await mlproject(['run', project, '-P', 'oops'], { cwd });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("Invalid format for -P parameter: 'oops'. Use -P name=value.");
    const repeated = await mlproject(['run', project, '-P', 'a=1', '--param', 'a=2'], { cwd });
    expect(repeated.stderr).toContain("Repeated parameter: 'a'");
    expect(repeated.exitCode).toBe(2);
  });

  it('exits 2 on a usage error and 1 with one line (and a hint) for an unknown run', async () => {
    const usage = await mlproject(['run'], { cwd });
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toMatch(/^mlproject: error: missing required argument 'uri'/);
    const unknown = await mlproject(['runs', 'show', '0123456789abcdef0123456789abcdef'], { cwd });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^mlproject: error: Run '0123456789abcdef0123456789abcdef' not found in sqlite:\/\/\/.*mlproject\.db\n  hint: /);
  });

  it('never creates a store from a read-only command, and names the missing one', async () => {
    const empty = tempDir('empty');
    const listed = await mlproject(['runs', 'list'], { cwd: empty });
    expect(listed.exitCode).toBe(1);
    expect(listed.stderr).toMatch(/^mlproject: error: No tracking store at .*mlproject\.db/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(empty, 'mlproject.db'))).toBe(false);
  });

  it('refuses tracking URIs it cannot store to in one line: a directory, a bare word, a malformed sqlite URI', async () => {
    for (const uri of [cwd, 'databricks', 'sqlite://x.db', './mlruns']) {
      const result = await mlproject(['run', project, '--env-manager', 'local', '-P', 'a=1', '--tracking-uri', uri], { cwd });
      expect(result.exitCode, uri).toBe(1);
      expect(result.stderr, uri).toMatch(/^mlproject: error: Tracking URI '.*' .*\n  hint: /);
      expect(result.stderr, uri).not.toMatch(/\n\s+at /);
    }
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(cwd, 'databricks'))).toBe(false);
  });

  it('says in one line, quickly, when a tracking server is not there', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address() as { port: number };
        probe.close(() => resolve(address.port));
      });
    });
    const result = await mlproject(['run', project, '--env-manager', 'local', '-P', 'a=1', '--tracking-uri', `http://127.0.0.1:${port}`], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^mlproject: error: Cannot reach the tracking server at http://127\\.0\\.0\\.1:${port} .*ECONNREFUSED`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 128 + n for a child killed by signal n, FAILED for a crash', async () => {
    const crash = path.join(cwd, 'crash');
    writeProject(crash, { MLproject: 'entry_points:\n  main:\n    command: "kill -SEGV $$"\n' });
    const result = await mlproject(['run', crash, '--env-manager', 'local'], { cwd });
    expect(result.exitCode).toBe(139);
    expect(result.stdout).toContain('Status: FAILED');
  });
});

describe('mlproject run --dry-run', () => {
  it('prints the entry point, parameters and exact command, and touches nothing', async () => {
    const cwd = tempDir('dry');
    const project = path.join(cwd, 'proj');
    writeProject(project, { MLproject: [
      'entry_points:',
      '  main:',
      '    parameters:',
      '      alpha: {type: float, default: 0.1}',
      '      name: string',
      '    command: "python train.py {alpha} {name}"',
      '',
    ].join('\n'), 'python_env.yaml': 'python: "3.11"\ndependencies: [six]\n' });
    const cache = path.join(cwd, 'cache');
    const result = await mlproject(['run', project, '--dry-run', '-P', 'name=a b', '-P', 'extra=1'], { cwd, env: { MLPROJECT_CACHE_DIR: cache } });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain(`Project:      ${project}`);
    expect(result.stdout).toContain('Entry point:  main');
    expect(result.stdout).toMatch(/Parameters: {3}alpha=0\.1\n {14}name='a b'\n {14}extra=1/);
    expect(result.stdout).toContain('Env manager:  virtualenv (Python 3.11, 1 dependency lines)');
    expect(result.stdout).toContain("Command:      python train.py 0.1 'a b' --extra 1");
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(cwd).sort()).toEqual(['proj']);
    expect(readdirSync(project).sort()).toEqual(['MLproject', 'python_env.yaml']);
  });

  it('reports the same errors as a real run, before anything exists', async () => {
    const cwd = tempDir('dry-err');
    const result = await mlproject(['run', cwd, '--dry-run', '-e', 'nope'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^mlproject: error: .*Could not find nope among entry points \[\]/);
  });
});

describe('warnings before a run', () => {
  it('prints typo keys and relative paths that will not resolve from the project dir, and still runs', async () => {
    const cwd = tempDir('warn');
    const project = path.join(cwd, 'proj');
    writeFileSync(path.join(cwd, 'train.csv'), 'a,b\n');
    writeProject(project, { MLproject: [
      'entry_points:',
      '  main:',
      '    parameters:',
      '      data: {type: string, defualt: x.csv}',
      '    command: "echo {data}"',
      '',
    ].join('\n') });
    const result = await mlproject(['run', project, '--env-manager', 'local', '-P', 'data=train.csv'], { cwd });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).toMatch(/mlproject: warning: .*entry_points\.main\.parameters\.data\.defualt: unknown key "defualt"/);
    expect(result.stderr).toMatch(/mlproject: warning: .*train\.csv.*\n  hint: .*type: path/);
    expect(result.stdout).toContain('Status: FINISHED');
  });
});

describe('command template errors', () => {
  it('name the MLproject and the key path, before anything runs', async () => {
    const cwd = tempDir('tpl');
    const project = path.join(cwd, 'proj');
    writeProject(project, { MLproject: 'entry_points:\n  main:\n    command: "echo {beta}"\n' });
    const result = await mlproject(['run', project, '--env-manager', 'local'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^mlproject: error: ${project}/MLproject: entry_points\\.main\\.command: .*\\{beta\\}`));
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(cwd, 'mlproject.db'))).toBe(false);
  });
});

describe('--frozen-from mistakes', () => {
  it('an unknown run is one line with a hint and records nothing; with --env-manager local it is a usage error', async () => {
    const cwd = tempDir('frozen');
    const project = path.join(cwd, 'proj');
    writeProject(project, { MLproject: 'entry_points:\n  main:\n    command: "true"\n' });
    await mlproject(['run', project, '--env-manager', 'local'], { cwd });
    const unknown = await mlproject(['run', project, '--frozen-from', 'deadbeef'], { cwd });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^mlproject: error: --frozen-from: run 'deadbeef' is not in sqlite:\/\/\/.*\n  hint: /);
    const runs = JSON.parse((await mlproject(['runs', 'list', '--json'], { cwd })).stdout) as unknown[];
    expect(runs).toHaveLength(1);
    const local = await mlproject(['run', project, '--frozen-from', 'deadbeef', '--env-manager', 'local'], { cwd });
    expect(local.exitCode).toBe(2);
    expect(local.stderr).toMatch(/^mlproject: error: --frozen-from rebuilds an environment, but --env-manager local builds none/);
  });
});
