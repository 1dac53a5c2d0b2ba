import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearInterpreterCache, findInterpreter } from '../src/index.js';
import { binaryIdentity, pyenvShimTarget } from '../src/probe-cache.js';

async function executable(file: string, text = '#!/bin/sh\n'): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  await chmod(file, 0o755);
}

describe('pyenvShimTarget', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-pyenv-'));
    await executable(path.join(root, 'shims', 'python3.11'));
    await executable(path.join(root, 'versions', '3.11.7', 'bin', 'python3.11'));
    await executable(path.join(root, 'versions', '3.12.1', 'bin', 'python3.12'));
  });

  it('follows PYENV_VERSION, then .python-version up from the directory, then the global version file', async () => {
    const shim = path.join(root, 'shims', 'python3.11');
    const target = path.join(root, 'versions', '3.11.7', 'bin', 'python3.11');
    expect(await pyenvShimTarget(shim, { PYENV_ROOT: root, PYENV_VERSION: '3.12.1:3.11.7' })).toBe(target);
    const project = path.join(root, 'work', 'deep');
    await mkdir(project, { recursive: true });
    await writeFile(path.join(root, 'work', '.python-version'), '3.11.7\n');
    expect(await pyenvShimTarget(shim, { PYENV_ROOT: root, PYENV_DIR: project })).toBe(target);
    await writeFile(path.join(root, 'version'), '3.11.7\n');
    expect(await pyenvShimTarget(shim, { PYENV_ROOT: root, PYENV_DIR: root })).toBe(target);
  });

  it('gives up (so the shim itself runs) for system, unknown versions and files that are not shims', async () => {
    const shim = path.join(root, 'shims', 'python3.11');
    expect(await pyenvShimTarget(shim, { PYENV_ROOT: root, PYENV_VERSION: 'system' })).toBeNull();
    expect(await pyenvShimTarget(shim, { PYENV_ROOT: root, PYENV_VERSION: '3.11' })).toBeNull();
    expect(await pyenvShimTarget(path.join(root, 'versions', '3.11.7', 'bin', 'python3.11'), { PYENV_ROOT: root })).toBeNull();
  });
});

describe('the interpreter probe cache', () => {
  it('keeps binaries only, and a warm lookup takes its answer from the cache instead of running Python', async () => {
    const real = execFileSync('python3', ['-c', 'import os,sys;print(os.path.realpath(sys.executable))']).toString().trim();
    const version = execFileSync(real, ['-c', 'import sys;print("%d.%d.%d" % sys.version_info[:3])']).toString().trim();
    expect(await binaryIdentity(real)).toContain(real);
    const script = path.join(await mkdtemp(path.join(os.tmpdir(), 'mlproject-script-')), 'python3');
    await executable(script, '#!/bin/sh\nexec python3 "$@"\n');
    expect(await binaryIdentity(script)).toBeNull();

    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'mlproject-probe-'));
    const bin = path.dirname(real);
    const env = { PATH: bin, HOME: cacheDir };
    clearInterpreterCache();
    expect((await findInterpreter(version, env, { cacheDir })).executable).toBe(real);
    const file = path.join(cacheDir, 'interpreters.json');
    const cached = JSON.parse(await readFile(file, 'utf8')) as Record<string, { version: string }>;
    expect(Object.values(cached).map((c) => c.version)).toContain(version);

    // Change what the cache says; a new lookup that believes it did not run the interpreter.
    for (const entry of Object.values(cached)) entry.version = '3.99.0';
    await writeFile(file, JSON.stringify(cached));
    clearInterpreterCache();
    expect((await findInterpreter(null, env, { cacheDir })).version).toBe('3.99.0');
  });
});
