import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlproject, tempDir } from './helpers.js';

function project(files: Record<string, string>): string {
  const dir = tempDir('validate');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('mlproject validate', () => {
  it('prints every error and warning, one line each with the hint below, and exits 1', async () => {
    const dir = project({
      MLproject: 'python_env: python_env.yaml\nentry_points:\n  main:\n    parameters:\n      alpha: 5\n      batches: {type: int, defualt: 5}\n    command: python t.py\n  eval: {}\n',
      'python_env.yaml': 'python: 3.10\n',
    });
    const result = await mlproject(['validate'], { cwd: dir });
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      'error: MLproject: entry_points.main.parameters.alpha: expected a type name such as float, or a mapping such as {type: float, default: 0.1}, found the integer 5',
      '  hint: Declare a parameter as `name: type` (required) or `name: {type: T, default: D}`.',
      'error: MLproject: entry_points.eval.command: expected a command string, e.g. "python train.py --alpha {alpha}", found nothing (the key is missing)',
      '  hint: Give every entry point a command string (quote it if it contains ": ").',
      expect.stringMatching(/^error: python_env\.yaml: python: expected a Python version string such as "3\.10", found the float 3\.10; /),
      '  hint: Write the version as a quoted string, e.g. python: "3.10".',
      'warning: MLproject: entry_points.main.parameters.batches.defualt: unknown key "defualt", which MLflow ignores',
      '  hint: Did you mean "default"? As written the parameter has no default, so it is required.',
      '3 errors, 1 warning',
    ]);
    expect(result.stderr).toBe('');
  });

  it('exits 0 with warnings only, and takes the directory as an argument', async () => {
    const dir = project({ MLproject: 'entry_points:\n  main:\n    parameters: {flag: bool}\n    command: echo {flag}\n' });
    const result = await mlproject(['validate', dir], { cwd: path.dirname(dir) });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain(`warning: ${path.basename(dir)}/MLproject: entry_points.main.parameters.flag: unknown parameter type "bool"; MLflow treats it as string`);
    expect(result.stdout.split('\n').at(-1)).toBe('0 errors, 1 warning');
  });

  it('exits 0 and prints only the summary for a clean project; 1 for a misnamed MLproject.yaml', async () => {
    const clean = project({ MLproject: 'entry_points:\n  main:\n    command: echo hi\n' });
    const ok = await mlproject(['validate'], { cwd: clean });
    expect([ok.exitCode, ok.stdout]).toEqual([0, '0 errors, 0 warnings']);
    const misnamed = project({ 'MLproject.yaml': 'entry_points: {}\n' });
    const bad = await mlproject(['validate', '.'], { cwd: misnamed });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/^error: MLproject\.yaml: found, but must be named MLproject\n  hint: Rename MLproject\.yaml/);
  });

  it('--json gives codes, key paths and hints for scripts, with the same exit code', async () => {
    const dir = project({
      MLproject: 'conda_env: env.yml\nentry_points:\n  main:\n    parameters: {n: {type:int, default:3}}\n    command: echo {n}\n',
      'env.yml': 'dependencies:\n  - python<3.12\n  - 7\n',
    });
    mkdirSync(path.join(dir, 'sub'));
    const result = await mlproject(['validate', '..', '--json'], { cwd: path.join(dir, 'sub') });
    expect(result.exitCode, result.all).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; project: unknown; errors: { code: string; keyPath: string; file: string }[]; warnings: { code: string; keyPath: string; hint: string }[] };
    expect(report.ok).toBe(false);
    expect(report.project).toMatchObject({ entryPoints: ['main'], env: { type: 'conda_env', file: path.join(dir, 'env.yml') } });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'ERR_MLPROJECT_SPEC_INVALID', keyPath: 'dependencies[1]', file: path.join(dir, 'env.yml') })]);
    expect(report.warnings.map((w) => [w.code, w.keyPath])).toEqual([
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.parameters.n.type:int'],
      ['WARN_MLPROJECT_SPEC_UNKNOWN_KEY', 'entry_points.main.parameters.n.default:3'],
    ]);
  });

  it('reports command templates run would fail on, with file and key path entry_points.<name>.command', async () => {
    const dir = project({
      MLproject:
        'entry_points:\n  main:\n    parameters: {alpha: {default: 1}}\n    command: python t.py {alpha} {beta}\n' +
        '  env:\n    command: echo ${HOME}\n  stray:\n    command: echo }\n  spaced:\n    parameters: {k: string}\n    command: echo { k }\n' +
        '  fine:\n    command: "awk \'{{print $1}}\' f"\n',
    });
    const result = await mlproject(['validate'], { cwd: dir });
    expect(result.exitCode, result.all).toBe(1);
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('error: '));
    expect(lines).toEqual([
      "error: MLproject: entry_points.main.command: Command of entry point 'main' uses {beta}, but 'beta' is not a declared parameter of this entry point",
      "error: MLproject: entry_points.env.command: Command of entry point 'env' uses {HOME}, but 'HOME' is not a declared parameter of this entry point",
      "error: MLproject: entry_points.stray.command: Command of entry point 'stray' has a single '}' at character 6",
      "error: MLproject: entry_points.spaced.command: Command of entry point 'spaced' uses { k }, but ' k ' (with spaces) is not a declared parameter of this entry point",
    ]);
    expect(result.stdout).toContain('  hint: Write {k} without spaces inside the braces.');
    expect(result.stdout.split('\n').at(-1)).toBe('4 errors, 0 warnings');
  });

  it('warns about duplicate keys and about an empty directory or an MLproject without entry points', async () => {
    const dup = project({ MLproject: 'entry_points:\n  main:\n    command: echo 1\n    command: echo 2\n' });
    const result = await mlproject(['validate'], { cwd: dup });
    expect([result.exitCode, result.stdout.split('\n')]).toEqual([0, [
      'warning: MLproject: entry_points.main.command: duplicate key "command" at line 4 (first at line 3); MLflow keeps only the last one',
      '  hint: Remove one of the two; the value at line 3 is ignored.',
      '0 errors, 1 warning',
    ]]);
    const empty = await mlproject(['validate'], { cwd: project({}) });
    expect(empty.exitCode).toBe(0);
    expect(empty.stdout).toMatch(/^warning: .*: no MLproject file; `run` only accepts a script entry point such as -e train\.py\n/);
    const none = await mlproject(['validate'], { cwd: project({ MLproject: '{}\n' }) });
    expect(none.stdout).toMatch(/^warning: MLproject: entry_points: no entry points; `run` only accepts/);
  });
});
