import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateProject } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlproject-validate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const write = (name: string, text: string) => writeFile(path.join(dir, name), text);

describe('validateProject', () => {
  it('warns when there is no MLproject, or one without entry points: run only accepts -e script.py', async () => {
    const empty = await validateProject(dir);
    expect(empty.errors).toEqual([]);
    expect(empty.warnings.map((w) => [w.code, w.message])).toEqual([
      ['WARN_MLPROJECT_SPEC_NO_ENTRY_POINTS', `${dir}: no MLproject file; \`run\` only accepts a script entry point such as -e train.py`],
    ]);
    for (const text of ['{}\n', 'name: x\n', 'entry_points: {}\n']) {
      await write('MLproject', text);
      const { errors, warnings } = await validateProject(dir);
      expect(errors, text).toEqual([]);
      expect(warnings.map((w) => [w.code, w.keyPath]), text).toEqual([['WARN_MLPROJECT_SPEC_NO_ENTRY_POINTS', 'entry_points']]);
    }
  });
  it('reports a dangling MLproject symlink as an error, naming the link and its target', async () => {
    await symlink('../elsewhere/MLproject', path.join(dir, 'MLproject'));
    const { project, errors } = await validateProject(dir);
    expect(project).toBeNull();
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ['ERR_MLPROJECT_SPEC_FILE_NOT_FOUND', `${path.join(dir, 'MLproject')}: is a symbolic link to ../elsewhere/MLproject, which does not exist`],
    ]);
  });
  it('returns the project and no problems for a clean project', async () => {
    await write('MLproject', 'name: demo\npython_env: python_env.yaml\nentry_points:\n  main:\n    command: python train.py\n');
    await write('python_env.yaml', 'python: "3.10"\ndependencies: [mlflow]\n');
    const result = await validateProject(dir);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.project?.name).toBe('demo');
  });
  it('reports MLproject errors, MLproject warnings and env-file errors together', async () => {
    await write('MLproject', 'entry_points:\n  main:\n    parameters: {a: 1, b: {type: flaot}}\n    command: x\n  eval: {}\n');
    await write('python_env.yaml', 'python: 3.10\ndependencies: [x]\nextra: 1\n');
    const { project, errors, warnings } = await validateProject(dir);
    expect(project).toBeNull();
    expect(errors.map((e) => `${path.basename(e.file ?? '')} ${e.keyPath}`)).toEqual([
      'MLproject entry_points.main.parameters.a',
      'MLproject entry_points.eval.command',
      'python_env.yaml python',
      'python_env.yaml extra',
    ]);
    expect(warnings.map((w) => [w.keyPath, w.hint])).toEqual([['entry_points.main.parameters.b.type', expect.stringMatching(/^Did you mean "float"\?/)]]);
  });
  it('keeps the project when only the env file is wrong, and checks conda.yaml for virtualenv', async () => {
    await write('MLproject', 'conda_env: conda.yaml\nentry_points:\n  main:\n    command: python train.py\n');
    await write('conda.yaml', 'dependencies:\n  - python\n  - pip:\n    - mlflow\n');
    const { project, errors, warnings } = await validateProject(dir);
    expect(errors).toEqual([]);
    expect(project?.env.type).toBe('conda_env');
    expect(warnings.map((w) => w.message)).toEqual([
      `${path.join(dir, 'conda.yaml')}: dependencies[0]: a virtualenv build would fail: Invalid dependency for python: python. It must be pinned (e.g. python=3.8.13).`,
    ]);
  });
  it('returns file-level errors (no such dir, MLproject.yaml, missing env file, bad YAML) instead of throwing', async () => {
    expect((await validateProject(path.join(dir, 'nope'))).errors.map((e) => e.code)).toEqual(['ERR_MLPROJECT_SPEC_FILE_NOT_FOUND']);
    await write('MLproject.yaml', 'entry_points: {}\n');
    expect((await validateProject(dir)).errors.map((e) => e.code)).toEqual(['ERR_MLPROJECT_SPEC_FILE_MISNAMED']);
    await write('MLproject', 'python_env: env.yaml\n');
    expect((await validateProject(dir)).errors.map((e) => e.detail)).toEqual([
      `Project specified python_env file ${path.join(dir, 'env.yaml')}, but no such file was found.`,
    ]);
    await write('MLproject', 'entry_points: [\n');
    expect((await validateProject(dir)).errors.map((e) => e.code)).toEqual(['ERR_MLPROJECT_SPEC_YAML']);
  });
});
