import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EnvError } from '@mlproject/env';
import { clearInterpreterCache, findInterpreter, interpreterCandidates } from '../src/index.js';

// Fake interpreters: shell scripts that answer the probe like Python does (real executable on the
// first line, X.Y.Z on the second) and record that they ran.
let root: string;
let ran: string;

async function fakePython(file: string, version: string, realExecutable = file): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\necho "${file}" >> "${ran}"\necho "${realExecutable}"\necho "${version}"\n`);
  await chmod(file, 0o755);
}

async function ranFiles(): Promise<string[]> {
  return (await readFile(ran, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-interp-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  clearInterpreterCache();
  await rm(path.join(root, 'case'), { recursive: true, force: true });
  ran = path.join(root, `ran-${Math.random()}.txt`);
});

function envFor(...dirs: string[]): NodeJS.ProcessEnv {
  return { PATH: dirs.join(':'), HOME: path.join(root, 'case', 'home') };
}

describe('findInterpreter with fake interpreters', () => {
  it('picks the first matching candidate in PATH order and resolves a shim to the real executable', async () => {
    const real = path.join(root, 'case', 'real', 'python3.11');
    await fakePython(real, '3.11.4');
    await fakePython(path.join(root, 'case', 'shims', 'python3'), '3.11.4', real);
    await fakePython(path.join(root, 'case', 'usr', 'python3.11'), '3.11.9');
    const env = envFor(path.join(root, 'case', 'shims'), path.join(root, 'case', 'usr'));
    const found = await findInterpreter('3.11', env);
    expect(found).toEqual({ executable: real, version: '3.11.4', foundAt: path.join(root, 'case', 'shims', 'python3') });
    expect((await findInterpreter('3.11.9', env)).executable).toBe(path.join(root, 'case', 'usr', 'python3.11'));
  });

  it('finds pyenv versions under $HOME/.pyenv/versions, newest first', async () => {
    const versions = path.join(root, 'case', 'home', '.pyenv', 'versions');
    await fakePython(path.join(versions, '3.10.2', 'bin', 'python'), '3.10.2');
    await fakePython(path.join(versions, '3.10.11', 'bin', 'python'), '3.10.11');
    const env = envFor(path.join(root, 'case', 'empty'));
    expect((await findInterpreter('3.10', env)).version).toBe('3.10.11');
    expect((await findInterpreter('3.10.2', env)).version).toBe('3.10.2');
    const candidates = await interpreterCandidates(env);
    expect(candidates.map((c) => c.hint)).toEqual(['3.10.11', '3.10.2']);
  });

  it('does not run candidates whose name rules them out when another matches', async () => {
    const bin = path.join(root, 'case', 'bin');
    await fakePython(path.join(bin, 'python3.12'), '3.12.0');
    await fakePython(path.join(bin, 'python3.11'), '3.11.4');
    await findInterpreter('3.11', envFor(bin));
    expect(await ranFiles()).toEqual([path.join(bin, 'python3.11')]);
  });

  it('runs each candidate once per process', async () => {
    const bin = path.join(root, 'case', 'bin');
    await fakePython(path.join(bin, 'python3'), '3.11.4');
    await findInterpreter(null, envFor(bin));
    await findInterpreter('3.11', envFor(bin));
    expect(await ranFiles()).toEqual([path.join(bin, 'python3')]);
  });

  it('treats two names for one binary as one candidate', async () => {
    const bin = path.join(root, 'case', 'bin');
    await mkdir(bin, { recursive: true });
    const elf = path.join(bin, 'python3.11');
    await writeFile(elf, Buffer.from([0x7f, 0x45, 0x4c, 0x46])); // not a script
    await chmod(elf, 0o755);
    await symlink('python3.11', path.join(bin, 'python3'));
    expect((await interpreterCandidates(envFor(bin))).map((c) => c.file)).toEqual([elf]);
  });

  it('fails with the request and every version found', async () => {
    const bin = path.join(root, 'case', 'bin');
    await fakePython(path.join(bin, 'python3.12'), '3.12.0');
    await fakePython(path.join(bin, 'python3'), '3.11.4');
    const error = await findInterpreter('3.9', envFor(bin)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvError);
    expect(error).toMatchObject({ code: 'ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND', message: 'no installed Python matches 3.9 (found 3.11.4, 3.12.0)' });
  });

  it('ignores candidates that do not run, and says so when nothing is on PATH', async () => {
    const bin = path.join(root, 'case', 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'python3'), '#!/bin/sh\necho "pyenv: python3: command not found" >&2\nexit 127\n');
    await chmod(path.join(bin, 'python3'), 0o755);
    await expect(findInterpreter('3', envFor(bin))).rejects.toMatchObject({ message: 'no installed Python matches 3 (found none)' });
    await expect(findInterpreter(null, envFor(path.join(root, 'case', 'nothing')))).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND',
      message: 'no python3 or python on PATH',
    });
  });
});

describe('findInterpreter on this machine', () => {
  it('resolves python3 to a real interpreter that runs directly', async () => {
    const found = await findInterpreter(null, process.env);
    expect(found.version).toMatch(/^3\.\d+\.\d+$/);
    expect(found.executable).not.toContain('/shims/');
    const out = execFileSync(found.executable, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']).toString().trim();
    expect(out).toBe(found.version);
    expect((await findInterpreter(found.version, process.env)).version).toBe(found.version);
  });
});
