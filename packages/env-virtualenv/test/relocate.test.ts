import { chmod, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { relocateVenv } from '../src/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-relocate-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('relocateVenv', () => {
  it('rewrites pip shebangs (both forms), activate scripts and pyvenv.cfg; leaves binaries and symlinks alone', async () => {
    const from = path.join(root, 'env.tmp-1-abcd');
    const to = path.join(root, 'env');
    const bin = path.join(from, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'pip'), `#!${from}/bin/python\nimport sys\n`);
    await chmod(path.join(bin, 'pip'), 0o755);
    await writeFile(path.join(bin, 'long'), `#!/bin/sh\n'''exec' "${from}/bin/python" "$0" "$@"\n' '''\n`);
    await writeFile(path.join(bin, 'activate'), `VIRTUAL_ENV="${from}"\n`);
    await writeFile(path.join(bin, 'native'), Buffer.concat([Buffer.from('\x7fELF\0'), Buffer.from(from)]));
    await symlink('/usr/bin/python3', path.join(bin, 'python'));
    await writeFile(path.join(from, 'pyvenv.cfg'), `home = /usr/bin\ncommand = /usr/bin/python3 -m venv ${from}\n`);

    expect(await relocateVenv(from, to)).toEqual(['bin/activate', 'bin/long', 'bin/pip', 'pyvenv.cfg']);
    expect(await readFile(path.join(bin, 'pip'), 'utf8')).toBe(`#!${to}/bin/python\nimport sys\n`);
    expect(((await lstat(path.join(bin, 'pip'))).mode & 0o777).toString(8)).toBe('755');
    expect(await readFile(path.join(bin, 'long'), 'utf8')).toContain(`'''exec' "${to}/bin/python" "$0"`);
    expect(await readFile(path.join(bin, 'activate'), 'utf8')).toBe(`VIRTUAL_ENV="${to}"\n`);
    expect(await readFile(path.join(from, 'pyvenv.cfg'), 'utf8')).toContain(`-m venv ${to}\n`);
    expect((await readFile(path.join(bin, 'native'))).toString('latin1')).toContain(from);
  });

  it('does nothing to a relocatable (uv) venv', async () => {
    const from = path.join(root, 'uv.tmp-1-abcd');
    await mkdir(path.join(from, 'bin'), { recursive: true });
    await writeFile(path.join(from, 'bin', 'wheel'), `#!/bin/sh\n'''exec' "$(dirname -- "$(realpath -- "$0")")"/'python' "$0" "$@"\n' '''\n`);
    await writeFile(path.join(from, 'pyvenv.cfg'), 'home = /usr/bin\nrelocatable = true\n');
    expect(await relocateVenv(from, path.join(root, 'uv'))).toEqual([]);
  });
});
