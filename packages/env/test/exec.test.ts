import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStep } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mlproject-exec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runStep', () => {
  it('captures stdout and stderr to the log, not the terminal', async () => {
    const ctx = { logFile: path.join(dir, 'logs', 'build.log'), env: { PATH: process.env['PATH'] } };
    const result = await runStep(ctx, 'saying hello', 'sh', ['-c', 'echo out; echo err >&2'], dir);
    expect(result.stdout).toBe('out');
    const log = await readFile(ctx.logFile, 'utf8');
    expect(log).toContain('=== saying hello\n$ sh -c \'echo out; echo err >&2\'\n');
    expect(log).toContain('out\n');
    expect(log).toContain('err\n');
    expect(log).toMatch(/--- exit code 0, \d+ ms/);
  });

  it('fails with the step, exit code and last meaningful line, keeping the log', async () => {
    const ctx = { logFile: path.join(dir, 'build.log'), env: { PATH: process.env['PATH'] } };
    const error = await runStep(ctx, 'installing dependencies', 'sh', ['-c', 'echo "ERROR: no such package" >&2; echo "[notice] pip is old" >&2; exit 3'], dir).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_MLPROJECT_ENV_BUILD_FAILED',
      message: 'installing dependencies failed (exit code 3): ERROR: no such package',
      logFile: ctx.logFile,
    });
    expect(await readFile(ctx.logFile, 'utf8')).toContain('[notice] pip is old');
  });

  it('reports a tool that does not exist as missing', async () => {
    const ctx = { logFile: path.join(dir, 'build.log'), env: { PATH: '/nonexistent' } };
    await expect(runStep(ctx, 'creating the virtualenv', '/nonexistent/uv', ['venv'], dir)).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_TOOL_MISSING',
      message: 'cannot run /nonexistent/uv (ENOENT) while creating the virtualenv',
    });
  });
});
