import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpecError, findProjectFile, loadProject, readPythonEnv, readText } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlproject-spec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string | Buffer) => writeFile(path.join(dir, name), text);
async function rejection(promise: Promise<unknown>): Promise<SpecError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpecError);
  return error as SpecError;
}

describe('findProjectFile', () => {
  for (const name of ['MLproject', 'MLProject', 'mlproject']) {
    it(`finds ${name} (any letter case)`, async () => {
      await write(name, 'entry_points: {}');
      expect(await findProjectFile(dir)).toBe(path.join(dir, name));
    });
  }
  it('returns null when there is no MLproject', async () => {
    await write('train.py', '');
    expect(await findProjectFile(dir)).toBeNull();
  });
  it('refuses MLproject.yaml / .yml instead of silently ignoring it like MLflow', async () => {
    await write('MLproject.yaml', 'entry_points: {}');
    const e = await rejection(findProjectFile(dir));
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_FILE_MISNAMED');
    expect(e.message).toBe(`${path.join(dir, 'MLproject.yaml')}: found, but must be named MLproject`);
    await rm(path.join(dir, 'MLproject.yaml'));
    await write('MLProject.yml', '');
    expect((await rejection(findProjectFile(dir))).code).toBe('ERR_MLPROJECT_SPEC_FILE_MISNAMED');
  });
  it('prefers a real MLproject over MLproject.yaml', async () => {
    await write('MLproject.yaml', '');
    await write('MLproject', 'entry_points: {}');
    expect(await findProjectFile(dir)).toBe(path.join(dir, 'MLproject'));
  });
  it('skips a directory named mlproject (a Python package), following symlinks', async () => {
    await mkdir(path.join(dir, 'src', 'mlproject'), { recursive: true });
    await symlink(path.join(dir, 'src', 'mlproject'), path.join(dir, 'mlproject'));
    expect(await findProjectFile(dir)).toBeNull();
    await rm(path.join(dir, 'mlproject'));
    await write('real', 'entry_points: {}');
    await symlink(path.join(dir, 'real'), path.join(dir, 'MLproject'));
    expect(await findProjectFile(dir)).toBe(path.join(dir, 'MLproject'));
  });
  it('reports a dangling symlink named MLproject, naming the link and its target (loadProject too)', async () => {
    await symlink(path.join(dir, 'gone'), path.join(dir, 'MLproject'));
    const e = await rejection(findProjectFile(dir));
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_FILE_NOT_FOUND');
    expect(e.message).toBe(`${path.join(dir, 'MLproject')}: is a symbolic link to ${path.join(dir, 'gone')}, which does not exist`);
    expect((await rejection(loadProject(dir))).file).toBe(path.join(dir, 'MLproject'));
  });
  it('refuses two MLproject files that differ only in case', async () => {
    await write('MLproject', '');
    await write('mlproject', '');
    if (!existsSync(path.join(dir, 'MLPROJECT'))) {
      expect((await rejection(findProjectFile(dir))).code).toBe('ERR_MLPROJECT_SPEC_FILE_AMBIGUOUS');
    }
  });
  it('reports a missing project directory', async () => {
    const e = await rejection(findProjectFile(path.join(dir, 'nope')));
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_FILE_NOT_FOUND');
    expect(e.message).toBe(`${path.join(dir, 'nope')}: expected a project directory, found nothing`);
  });
});

describe('loadProject', () => {
  it('loads a project with auto-detected python_env.yaml over conda.yaml', async () => {
    await write('MLProject', 'name: demo\nentry_points:\n  main:\n    command: python train.py');
    await write('python_env.yaml', 'python: "3.10"');
    await write('conda.yaml', 'name: x');
    const project = await loadProject(dir);
    expect(project).toEqual({
      name: 'demo', dir, file: path.join(dir, 'MLProject'),
      entryPoints: [{ name: 'main', parameters: [], command: 'python train.py' }],
      env: { type: 'python_env', file: path.join(dir, 'python_env.yaml') },
      warnings: [],
    });
    await rm(path.join(dir, 'python_env.yaml'));
    expect((await loadProject(dir)).env).toEqual({ type: 'conda_env', file: path.join(dir, 'conda.yaml') });
    await rm(path.join(dir, 'conda.yaml'));
    expect((await loadProject(dir)).env).toEqual({ type: 'python_env', file: null });
  });
  it('loads a directory with no MLproject as MLflow does: no entry points, name null', async () => {
    await write('conda.yaml', 'name: x');
    expect(await loadProject(dir)).toEqual({ name: null, dir, file: null, entryPoints: [], env: { type: 'conda_env', file: path.join(dir, 'conda.yaml') }, warnings: [] });
  });
  it('checks that a declared env file exists', async () => {
    await write('MLproject', 'conda_env: envs/conda.yml');
    const e = await rejection(loadProject(dir));
    expect(e.message).toBe(
      `${path.join(dir, 'MLproject')}: conda_env: Project specified conda environment file ${path.join(dir, 'envs/conda.yml')}, but no such file was found.`,
    );
  });
  it('fails cleanly on an empty MLproject (MLflow: AttributeError)', async () => {
    await write('MLproject', '');
    expect((await rejection(loadProject(dir))).code).toBe('ERR_MLPROJECT_SPEC_INVALID');
  });
});

describe('readText / readPythonEnv', () => {
  it('reads UTF-8 with a BOM', async () => {
    await write('python_env.yaml', '\ufeffpython: "3.11"\n');
    expect(await readPythonEnv(path.join(dir, 'python_env.yaml'))).toEqual({ python: '3.11', buildDependencies: [], dependencies: [] });
  });
  it('refuses UTF-16 (a PowerShell `conda env export >` file)', async () => {
    await write('conda.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name: x\r\n', 'utf16le')]));
    const e = await rejection(readText(path.join(dir, 'conda.yaml')));
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_YAML');
    expect(e.detail).toBe('expected UTF-8 text, found UTF-16 text');
  });
  it('reports a missing file', async () => {
    const e = await rejection(readPythonEnv(path.join(dir, 'python_env.yaml')));
    expect(e.code).toBe('ERR_MLPROJECT_SPEC_FILE_NOT_FOUND');
    expect(e.file).toBe(path.join(dir, 'python_env.yaml'));
  });
});
