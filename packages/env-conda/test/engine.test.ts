import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EnvError } from '@mlproject/env';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RATTLER_VERSION, engineKind, engineMode, findEngine } from '../src/engine.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-conda-engine-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fake executable `<root>/<dir>/<name>` (never run: discovery only reads metadata). */
async function fake(dir: string, name: string): Promise<string> {
  const file = path.join(root, dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\nexit 0\n');
  await chmod(file, 0o755);
  return file;
}

const rattler = { kind: 'rattler', version: RATTLER_VERSION };

describe('findEngine', () => {
  it('falls back to rattler when nothing is installed (auto)', async () => {
    expect(await findEngine('auto', { PATH: path.join(root, 'empty') })).toEqual(rattler);
  });

  it('fails in native mode when nothing is installed', async () => {
    await expect(findEngine('native', { PATH: path.join(root, 'empty') })).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_TOOL_MISSING',
      message: expect.stringContaining('Could not find Conda executable'),
    });
  });

  it('rattler mode ignores installed engines', async () => {
    await fake('bin', 'conda');
    expect(await findEngine('rattler', { PATH: path.join(root, 'bin') })).toEqual(rattler);
  });

  it('takes conda, then mamba, then micromamba from PATH, in PATH order per name', async () => {
    const micromamba = await fake('a', 'micromamba');
    const mamba = await fake('b', 'mamba');
    const PATH = [path.join(root, 'a'), path.join(root, 'b')].join(path.delimiter);
    expect(await findEngine('auto', { PATH })).toEqual({ kind: 'mamba', executable: mamba, source: 'PATH' });
    const conda = await fake('c', 'conda');
    expect(await findEngine('auto', { PATH: `${PATH}${path.delimiter}${path.join(root, 'c')}` })).toEqual({ kind: 'conda', executable: conda, source: 'PATH' });
    expect(await findEngine('native', { PATH: path.join(root, 'a') })).toEqual({ kind: 'micromamba', executable: micromamba, source: 'PATH' });
  });

  it('skips non-executable files and directories on PATH', async () => {
    await mkdir(path.join(root, 'a', 'conda'), { recursive: true });
    await writeFile(path.join(root, 'a', 'mamba'), 'not executable');
    expect(await findEngine('auto', { PATH: path.join(root, 'a') })).toEqual(rattler);
  });

  it('MLFLOW_CONDA_HOME wins over CONDA_EXE and PATH', async () => {
    const home = await fake('home/bin', 'conda');
    await fake('exe', 'conda');
    await fake('path', 'conda');
    const env = { MLFLOW_CONDA_HOME: path.join(root, 'home'), CONDA_EXE: path.join(root, 'exe', 'conda'), PATH: path.join(root, 'path') };
    expect(await findEngine('auto', env)).toEqual({ kind: 'conda', executable: home, source: 'MLFLOW_CONDA_HOME' });
  });

  it('MLFLOW_CONDA_HOME with MLFLOW_CONDA_CREATE_ENV_CMD=mamba takes $MLFLOW_CONDA_HOME/bin/mamba', async () => {
    const mamba = await fake('home/bin', 'mamba');
    const env = { MLFLOW_CONDA_HOME: path.join(root, 'home'), MLFLOW_CONDA_CREATE_ENV_CMD: 'mamba', PATH: '' };
    expect(await findEngine('auto', env)).toEqual({ kind: 'mamba', executable: mamba, source: 'MLFLOW_CONDA_HOME' });
  });

  it('a missing $MLFLOW_CONDA_HOME/bin/conda is an error, not a fallback', async () => {
    await fake('path', 'conda');
    const error = await findEngine('auto', { MLFLOW_CONDA_HOME: path.join(root, 'nowhere'), PATH: path.join(root, 'path') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvError);
    expect(error).toMatchObject({ code: 'ERR_MLPROJECT_ENV_TOOL_MISSING', message: `Could not find Conda executable at ${path.join(root, 'nowhere', 'bin', 'conda')} (from MLFLOW_CONDA_HOME)` });
  });

  it('CONDA_EXE: the create command next to it (dirname($CONDA_EXE)/mamba)', async () => {
    await fake('abc', 'conda');
    const mamba = await fake('abc', 'mamba');
    const env = { CONDA_EXE: path.join(root, 'abc', 'conda'), PATH: '' };
    expect(await findEngine('auto', env)).toEqual({ kind: 'conda', executable: path.join(root, 'abc', 'conda'), source: 'CONDA_EXE' });
    expect(await findEngine('auto', { ...env, MLFLOW_CONDA_CREATE_ENV_CMD: 'mamba' })).toEqual({ kind: 'mamba', executable: mamba, source: 'CONDA_EXE' });
  });

  it('MLFLOW_CONDA_CREATE_ENV_CMD missing next to CONDA_EXE gives MLflow\'s message', async () => {
    await fake('abc', 'conda');
    const env = { CONDA_EXE: path.join(root, 'abc', 'conda'), MLFLOW_CONDA_CREATE_ENV_CMD: 'mamba', PATH: '' };
    await expect(findEngine('auto', env)).rejects.toMatchObject({
      message: `You have set the env variable MLFLOW_CONDA_CREATE_ENV_CMD, but ${path.join(root, 'abc', 'mamba')} does not exist or it is not working properly`,
    });
  });

  it('MLFLOW_CONDA_CREATE_ENV_CMD alone: looked up on PATH, or taken as a path', async () => {
    const micromamba = await fake('mm', 'micromamba');
    await fake('path', 'conda');
    const PATH = [path.join(root, 'path'), path.join(root, 'mm')].join(path.delimiter);
    expect(await findEngine('auto', { MLFLOW_CONDA_CREATE_ENV_CMD: 'micromamba', PATH })).toEqual({ kind: 'micromamba', executable: micromamba, source: 'MLFLOW_CONDA_CREATE_ENV_CMD' });
    expect(await findEngine('auto', { MLFLOW_CONDA_CREATE_ENV_CMD: micromamba, PATH: '' })).toEqual({ kind: 'micromamba', executable: micromamba, source: 'MLFLOW_CONDA_CREATE_ENV_CMD' });
    await expect(findEngine('auto', { MLFLOW_CONDA_CREATE_ENV_CMD: 'mamba', PATH })).rejects.toMatchObject({ code: 'ERR_MLPROJECT_ENV_TOOL_MISSING' });
  });

  it('empty variables count as unset', async () => {
    expect(await findEngine('auto', { MLFLOW_CONDA_HOME: '', CONDA_EXE: '', MLFLOW_CONDA_CREATE_ENV_CMD: '', PATH: '' })).toEqual(rattler);
  });
});

describe('engineKind and engineMode', () => {
  it('reads the kind from the file name', () => {
    expect(engineKind('/x/micromamba')).toBe('micromamba');
    expect(engineKind('/x/mamba')).toBe('mamba');
    expect(engineKind('/x/conda')).toBe('conda');
  });

  it('takes the option, then MLPROJECT_CONDA_ENGINE, then auto', () => {
    expect(engineMode('native', { MLPROJECT_CONDA_ENGINE: 'rattler' })).toBe('native');
    expect(engineMode(undefined, { MLPROJECT_CONDA_ENGINE: 'rattler' })).toBe('rattler');
    expect(engineMode(undefined, {})).toBe('auto');
    expect(() => engineMode(undefined, { MLPROJECT_CONDA_ENGINE: 'pixi' })).toThrow(/expected auto, native or rattler/);
  });
});
