import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHANNELS, channelUrls, condaSubdir, splitDependencies } from '../src/channels.js';
import { condaChildEnv } from '../src/child-env.js';
import { condaEnvName, condaKey } from '../src/backend.js';
import { isCondaDeclaration } from '../src/declaration.js';
import { frozenPlan, lockPackageLines } from '../src/frozen.js';
import { formatExplicitLock, readInstalled } from '../src/lock.js';
import { nativeCreateArgs } from '../src/native.js';
import { absolutizePipLine } from '../src/pip.js';
import { rattlerError } from '../src/rattler.js';

describe('channelUrls', () => {
  it('maps names, URLs and paths as conda does, appending defaults unless nodefaults', () => {
    expect(channelUrls(['conda-forge'], '/p')).toEqual(['https://conda.anaconda.org/conda-forge', ...DEFAULT_CHANNELS]);
    expect(channelUrls(['conda-forge', 'nodefaults'], '/p')).toEqual(['https://conda.anaconda.org/conda-forge']);
    expect(channelUrls(['defaults', 'bioconda'], '/p')).toEqual([...DEFAULT_CHANNELS, 'https://conda.anaconda.org/bioconda']);
    expect(channelUrls(['file:///tmp/ch/', './local', '/abs/ch', '~/chan', 'nodefaults'], '/p', '/home/u')).toEqual([
      'file:///tmp/ch',
      'file:///p/local',
      'file:///abs/ch',
      'file:///home/u/chan',
    ]);
    expect(channelUrls([], '/p')).toEqual(DEFAULT_CHANNELS);
    expect(channelUrls(['conda-forge', 'conda-forge', 'nodefaults'], '/p')).toEqual(['https://conda.anaconda.org/conda-forge']);
  });
});

describe('splitDependencies and condaSubdir', () => {
  it('separates conda specs from the (last) pip list', () => {
    expect(splitDependencies({ channels: [], dependencies: ['python=3.11', { pip: ['a'] }, 'numpy', { pip: ['b', 'c'] }] })).toEqual({
      conda: ['python=3.11', 'numpy'],
      pip: ['b', 'c'],
    });
  });

  it('names conda subdirs', () => {
    expect(condaSubdir('linux', 'x64')).toBe('linux-64');
    expect(condaSubdir('linux', 'arm64')).toBe('linux-aarch64');
    expect(condaSubdir('darwin', 'arm64')).toBe('osx-arm64');
    expect(condaSubdir('win32', 'x64')).toBe('win-64');
    expect(condaSubdir('aix', 'x64')).toBe('unknown');
  });
});

describe('keys and names', () => {
  it('condaEnvName is MLflow\'s mlflow-<sha1 of the raw text>', () => {
    // sha1("") = da39a3ee...
    expect(condaEnvName('')).toBe('mlflow-da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('condaKey changes with the text (comments too), the engine and the subdir', () => {
    const rattler = { kind: 'rattler', version: '0.28.0' } as const;
    const conda = { kind: 'conda', executable: '/c/conda', source: 'PATH' } as const;
    const k = condaKey('dependencies: [x]\n', rattler, 'linux-64');
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(condaKey('dependencies: [x]\n', rattler, 'linux-64')).toBe(k);
    expect(condaKey('dependencies: [x]  # c\n', rattler, 'linux-64')).not.toBe(k);
    expect(condaKey('dependencies: [x]\n', conda, 'linux-64')).not.toBe(k);
    expect(condaKey('dependencies: [x]\n', { ...rattler, version: '0.29.0' }, 'linux-64')).not.toBe(k);
    expect(condaKey('dependencies: [x]\n', rattler, 'osx-arm64')).not.toBe(k);
    expect(condaKey('dependencies: [x]\n', { ...conda, executable: '/other/conda' }, 'linux-64')).toBe(condaKey('dependencies: [x]\n', conda, 'linux-64'));
  });

  it('recognises a conda declaration', () => {
    expect(isCondaDeclaration({ kind: 'conda', file: '/p/conda.yaml' })).toBe(true);
    expect(isCondaDeclaration({ kind: 'python', python: null, buildDependencies: [], dependencies: [] })).toBe(false);
    expect(isCondaDeclaration(null)).toBe(false);
  });
});

describe('lock', () => {
  it('formats conda list --explicit --md5', () => {
    const text = formatExplicitLock(
      [
        { name: 'a', version: '1', build: '0', url: 'https://c/noarch/a-1-0.tar.bz2', md5: 'abc' },
        { name: 'b', version: '2', build: 'h1', url: 'https://c/noarch/b-2-h1.conda', md5: '' },
        { name: 'c', version: '3', build: '0', url: '', md5: '' },
      ],
      'linux-64',
      ['six==1.16.0'],
    );
    expect(text).toBe(
      [
        '# This file may be used to create an environment using:',
        '# $ conda create --name <env> --file <this file>',
        '# platform: linux-64',
        '@EXPLICIT',
        'https://c/noarch/a-1-0.tar.bz2#abc',
        'https://c/noarch/b-2-h1.conda',
        '# c==3=0 (no url)',
        '# pip six==1.16.0',
        '',
      ].join('\n'),
    );
  });

  it('reads conda-meta records sorted by name, skipping junk', async () => {
    const prefix = await mkdtemp(path.join(os.tmpdir(), 'mlproject-conda-meta-'));
    try {
      expect(await readInstalled(prefix)).toEqual([]);
      await mkdir(path.join(prefix, 'conda-meta'));
      await writeFile(path.join(prefix, 'conda-meta', 'zz-1-0.json'), JSON.stringify({ name: 'zz', version: '1', build: '0', url: 'u1', md5: 'm1' }));
      await writeFile(path.join(prefix, 'conda-meta', 'aa-2-0.json'), JSON.stringify({ name: 'aa', version: '2', build: '0', url: 'u2', md5: 'm2' }));
      await writeFile(path.join(prefix, 'conda-meta', 'broken.json'), '{');
      await writeFile(path.join(prefix, 'conda-meta', 'history'), '==> 2024 <==');
      expect((await readInstalled(prefix)).map((p) => `${p.name} ${p.url}#${p.md5}`)).toEqual(['aa u2#m2', 'zz u1#m1']);
    } finally {
      await rm(prefix, { recursive: true, force: true });
    }
  });
});

describe('condaChildEnv', () => {
  it('sets what conda activate sets, replacing an active env, without touching base', () => {
    const base = { PATH: '/old/env/bin:/usr/bin', CONDA_PREFIX: '/old/env', PYTHONHOME: '/x', VIRTUAL_ENV: '/v', HOME: '/h' };
    const env = condaChildEnv('/cache/envs/conda/k', base);
    expect(env).toEqual({ PATH: '/cache/envs/conda/k/bin:/usr/bin', CONDA_PREFIX: '/cache/envs/conda/k', CONDA_DEFAULT_ENV: '/cache/envs/conda/k', CONDA_SHLVL: '1', HOME: '/h' });
    expect(base.PATH).toBe('/old/env/bin:/usr/bin');
    expect(condaChildEnv('/e', {}).PATH).toBe('/e/bin');
  });
});

describe('nativeCreateArgs', () => {
  it('uses MLflow\'s env create for conda and mamba, create --yes for micromamba', () => {
    expect(nativeCreateArgs({ kind: 'conda', executable: '/c', source: 'PATH' }, '/e', '/p/conda.yaml')).toEqual(['env', 'create', '--prefix', '/e', '--file', '/p/conda.yaml']);
    expect(nativeCreateArgs({ kind: 'micromamba', executable: '/m', source: 'PATH' }, '/e', '/p/conda.yaml')).toEqual(['create', '--yes', '--prefix', '/e', '--file', '/p/conda.yaml']);
  });
});

describe('absolutizePipLine', () => {
  it('resolves file references against the conda.yaml directory', () => {
    expect(absolutizePipLine('-r requirements.txt', '/p')).toBe('-r /p/requirements.txt');
    expect(absolutizePipLine('--constraint=c.txt', '/p')).toBe('--constraint /p/c.txt');
    expect(absolutizePipLine('-e .', '/p')).toBe('-e /p');
    expect(absolutizePipLine('./pkg', '/p')).toBe('/p/pkg');
    expect(absolutizePipLine('-e git+https://x/y.git#egg=y', '/p')).toBe('-e git+https://x/y.git#egg=y');
    expect(absolutizePipLine('-r https://x/r.txt', '/p')).toBe('-r https://x/r.txt');
    expect(absolutizePipLine('mlflow>=2', '/p')).toBe('mlflow>=2');
  });
});

describe('rattlerError', () => {
  const plan = { file: '/p/conda.yaml', prefix: '/e', channels: ['file:///ch'], ctx: { logFile: '/l.log', env: {} } };
  it('names the unsatisfiable spec for a solve failure', () => {
    const error = rattlerError(3, 'solving...\nmlproject-error: solve: Cannot solve the request because of: No candidates were found for nope >=1.\n', 'exit code 3', plan);
    expect(error).toMatchObject({ code: 'ERR_MLPROJECT_ENV_BUILD_FAILED', logFile: '/l.log', message: 'cannot solve the dependencies of /p/conda.yaml: Cannot solve the request because of: No candidates were found for nope >=1.' });
  });
  it('says which channel cannot be read', () => {
    expect(rattlerError(4, 'mlproject-error: channel: could not find subdir noarch in channel file:///ch/', 'exit code 4', plan).message).toBe(
      'cannot read a conda channel of /p/conda.yaml: could not find subdir noarch in channel file:///ch/',
    );
  });
  it('falls back to the last line for an unexpected crash', () => {
    expect(rattlerError(1, 'Traceback\nImportError: boom', 'exit code 1', plan).message).toBe('installing conda packages into /e failed: py-rattler failed (exit code 1): ImportError: boom');
  });
});

describe('frozenPlan', () => {
  it('pins every package of a lock to its channel, version, build and md5', () => {
    const lock = formatExplicitLock(
      [
        { name: 'greeting', version: '2.0', build: '0', url: 'file:///tmp/ch/noarch/greeting-2.0-0.tar.bz2', md5: 'f73f974de48b6b364f8e32c00d7c470c' },
        { name: 'py-lib', version: '1.2.3', build: 'py_0', url: 'https://conda.anaconda.org/conda-forge/linux-64/py-lib-1.2.3-py_0.conda', md5: '' },
      ],
      'linux-64',
      ['six==1.16.0'],
    );
    expect(frozenPlan(lock)).toEqual({
      channels: ['file:///tmp/ch', 'https://conda.anaconda.org/conda-forge'],
      specs: ['greeting ==2.0 0[md5=f73f974de48b6b364f8e32c00d7c470c]', 'py-lib ==1.2.3 py_0'],
      pip: ['six==1.16.0'],
      packageLines: ['file:///tmp/ch/noarch/greeting-2.0-0.tar.bz2#f73f974de48b6b364f8e32c00d7c470c', 'https://conda.anaconda.org/conda-forge/linux-64/py-lib-1.2.3-py_0.conda'],
    });
  });

  it('rejects a pip freeze lock and an empty one', () => {
    expect(() => frozenPlan('six==1.16.0\n')).toThrow(/not a conda package URL: six==1.16.0/);
    expect(() => frozenPlan('@EXPLICIT\n')).toThrow(/lists no conda packages/);
  });

  it('lockPackageLines keeps only package lines, sorted', () => {
    expect(lockPackageLines('# x\n@EXPLICIT\nb#1\na#2\n# pip six==1\n')).toEqual(['a#2', 'b#1']);
  });
});
