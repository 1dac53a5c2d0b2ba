import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildVenv } from '../src/build.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mlproject-build-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildVenv with venv + pip', () => {
  it('says which package to install when the interpreter has no ensurepip (Debian without python3.X-venv)', async () => {
    // Stands in for a Debian python3.11 without python3.11-venv: the import check fails as it would.
    const python = path.join(dir, 'python3.11');
    await writeFile(python, '#!/bin/sh\necho "ModuleNotFoundError: No module named \'ensurepip\'" >&2\nexit 1\n');
    await chmod(python, 0o755);
    const ctx = { logFile: path.join(dir, 'logs', 'build.log'), env: { PATH: process.env['PATH'] } };
    const plan = {
      tool: { kind: 'pip' as const },
      interpreter: { executable: python, version: '3.11.2', foundAt: python },
      buildDependencies: [],
      dependencies: ['six'],
      projectDir: dir,
      ctx,
      log: () => {},
    };
    await expect(buildVenv(path.join(dir, 'env.tmp-1-0'), path.join(dir, 'env'), plan)).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_TOOL_MISSING',
      message: `Python 3.11.2 at ${python} cannot create virtualenvs (no venv or ensurepip module)`,
      hint: 'install python3.11-venv (Debian/Ubuntu), or put uv on PATH',
    });
    expect(await readFile(ctx.logFile, 'utf8')).toContain("No module named 'ensurepip'");
  });
});
