// Builds real virtualenvs from real PyPI packages, with uv (from PATH or provisioned) and with the
// venv + pip fallback. Each describe block has its own temp cache dir; uv's download cache is global.
import { execFileSync } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, READY_MARKER, readMarker, type EnvironmentBackend, type PrepareRequest, type PreparedEnvironment } from '@mlproject/env';
import { createVirtualenvBackend, virtualenvBackend } from '../src/index.js';

const timings: string[] = [];
afterAll(() => {
  console.info(`virtualenv e2e timings:\n  ${timings.join('\n  ')}`);
});

async function fixture(name: string): Promise<{ cacheDir: string; projectDir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), `mlproject-e2e-${name}-`));
  const projectDir = path.join(root, 'project');
  await mkdir(projectDir);
  await writeFile(path.join(projectDir, 'requirements.txt'), 'packaging==24.1\n');
  return { cacheDir: path.join(root, 'cache'), projectDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

function request(cacheDir: string, projectDir: string, dependencies: string[], lines: string[] = [], env?: NodeJS.ProcessEnv): PrepareRequest {
  return {
    declaration: { kind: 'python', python: null, buildDependencies: [], dependencies },
    projectDir,
    cacheDir,
    log: (line) => lines.push(line),
    ...(env === undefined ? {} : { env }),
  };
}

/** Runs `python -c code` found through the env's PATH, as the runner's child would. */
function pythonIn(prepared: PreparedEnvironment, code: string): string {
  return execFileSync('python', ['-c', code], { env: prepared.childEnv(process.env) }).toString().trim();
}

async function logCount(cacheDir: string): Promise<number> {
  return (await readdir(path.join(cacheDir, 'logs', 'virtualenv')).catch(() => [])).length;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

/** The PATH of this process without any directory that holds a `uv`. */
async function pathWithoutUv(): Promise<string> {
  const dirs = (process.env['PATH'] ?? '').split(':');
  const kept: string[] = [];
  for (const dir of dirs) if (!(await exists(path.join(dir, 'uv')))) kept.push(dir);
  return kept.join(':');
}

function buildSuite(label: string, backend: EnvironmentBackend, expectedTool: RegExp, failureText: RegExp): void {
  describe(`virtualenv backend with ${label}`, () => {
    let f: Awaited<ReturnType<typeof fixture>>;
    beforeAll(async () => {
      f = await fixture(label.replace(/\W+/g, '-'));
    });
    afterAll(async () => {
      await f.cleanup();
    });
    const deps = ['six==1.16.0', '-r requirements.txt'];

    it('builds a venv where the pinned packages import, with a lock of what is installed', async () => {
      const lines: string[] = [];
      const prepared = await backend.prepare(request(f.cacheDir, f.projectDir, deps, lines), 'virtualenv');
      timings.push(`${label}: cold build ${Math.round(prepared.durationMs)} ms (uv: includes provisioning it when not on PATH)`);
      expect(prepared).toMatchObject({ manager: 'virtualenv', reused: false, pythonVersion: expect.stringMatching(/^3\.\d+\.\d+$/) });
      expect(prepared.prefix).toBe(path.join(f.cacheDir, 'envs', 'virtualenv', prepared.key ?? ''));
      expect(pythonIn(prepared, 'import six, packaging, sys; print(six.__version__, packaging.__version__, sys.prefix)')).toBe(`1.16.0 24.1 ${prepared.prefix}`);
      const marker = await readMarker(prepared.prefix ?? '');
      expect(marker?.extra['tool']).toMatch(expectedTool);
      const lock = await readFile(prepared.lockFile ?? '', 'utf8');
      expect(lock).toMatch(/^six==1\.16\.0$/m);
      expect(lock).toMatch(/^packaging==24\.1$/m);
      expect(lines.some((l) => l.startsWith('installing dependencies (2 requirement lines)'))).toBe(true);
    });

    it('reuses the env on the next prepare without running any tool', async () => {
      const logsBefore = await logCount(f.cacheDir);
      const lines: string[] = [];
      const first = await backend.prepare(request(f.cacheDir, f.projectDir, deps), 'virtualenv');
      const again = await backend.prepare(request(f.cacheDir, f.projectDir, deps, lines), 'uv');
      timings.push(`${label}: warm reuse ${Math.round(again.durationMs)} ms (same process: interpreter probe memoized)`);
      expect(again).toMatchObject({ reused: true, manager: 'uv', prefix: first.prefix, key: first.key });
      expect(await logCount(f.cacheDir)).toBe(logsBefore);
      expect(lines).toEqual([`reused environment ${first.prefix} in ${(again.durationMs / 1000).toFixed(1)} s`]);
      expect(pythonIn(again, 'import six; print(six.__version__)')).toBe('1.16.0');
    });

    it('rebuilds when a -r file changes', async () => {
      const before = await backend.prepare(request(f.cacheDir, f.projectDir, deps), 'virtualenv');
      await writeFile(path.join(f.projectDir, 'requirements.txt'), 'packaging==24.0\n');
      const after = await backend.prepare(request(f.cacheDir, f.projectDir, deps), 'virtualenv');
      expect(after.key).not.toBe(before.key);
      expect(after.reused).toBe(false);
      expect(pythonIn(after, 'import packaging; print(packaging.__version__)')).toBe('24.0');
      await writeFile(path.join(f.projectDir, 'requirements.txt'), 'packaging==24.1\n');
    });

    it('fails on a nonexistent package with one line, a log holding the tool output, and no env left', async () => {
      const error = await backend.prepare(request(f.cacheDir, f.projectDir, ['mlproject-no-such-package-zzz==1.0']), 'virtualenv').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvError);
      const envError = error as EnvError;
      expect(envError.code).toBe('ERR_MLPROJECT_ENV_BUILD_FAILED');
      expect(envError.message).toMatch(/^installing dependencies \(1 requirement line\) with .* failed \(exit code 1\): /);
      expect(envError.message).toMatch(failureText);
      expect(envError.message).not.toContain('\n');
      const log = await readFile(envError.logFile ?? '', 'utf8');
      expect(log).toContain('mlproject-no-such-package-zzz');
      expect(log).toMatch(failureText);
      const envs = await readdir(path.join(f.cacheDir, 'envs', 'virtualenv'));
      for (const dir of envs.filter((d) => !d.endsWith('.lock'))) expect(await exists(path.join(f.cacheDir, 'envs', 'virtualenv', dir, READY_MARKER))).toBe(true);
    });
  });
}

buildSuite('uv', virtualenvBackend, /^uv \d/, /mlproject-no-such-package-zzz was not found in the package registry/);
buildSuite('venv + pip', createVirtualenvBackend({ tool: 'pip' }), /^venv \+ pip$/, /No matching distribution found for mlproject-no-such-package-zzz==1\.0/);

describe('virtualenv backend, uv specifics', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  beforeAll(async () => {
    f = await fixture('uv-more');
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('provisions uv once into <cacheDir>/tools when none is on PATH, and builds two racing prepares once', async () => {
    const env = { ...process.env, PATH: await pathWithoutUv() };
    const lines: string[] = [];
    const started = performance.now();
    const [a, b] = await Promise.all([
      createVirtualenvBackend().prepare(request(f.cacheDir, f.projectDir, ['six==1.16.0'], lines, env), 'virtualenv'),
      createVirtualenvBackend().prepare(request(f.cacheDir, f.projectDir, ['six==1.16.0'], lines, env), 'virtualenv'),
    ]);
    timings.push(`uv provisioning + cold build: ${Math.round(performance.now() - started)} ms`);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect(lines.filter((l) => l.startsWith('provisioning uv'))).toHaveLength(1);
    expect(await exists(path.join(f.cacheDir, 'tools', 'uv-0.13.9', 'bin', 'uv'))).toBe(true);
    expect((await readMarker(a.prefix ?? ''))?.extra['tool']).toBe('uv 0.13.9');
  });

  it('installs the project itself with -e . (tools run in the project dir)', async () => {
    await writeFile(path.join(f.projectDir, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "hello-mlproject"\nversion = "0.1.0"\n');
    await mkdir(path.join(f.projectDir, 'hello_mlproject'), { recursive: true });
    await writeFile(path.join(f.projectDir, 'hello_mlproject', '__init__.py'), 'GREETING = "hi"\n');
    const prepared = await virtualenvBackend.prepare(request(f.cacheDir, f.projectDir, ['-e .']), 'uv');
    expect(pythonIn(prepared, 'import hello_mlproject as h; print(h.GREETING, h.__file__)')).toBe(`hi ${path.join(f.projectDir, 'hello_mlproject', '__init__.py')}`);
  });

  it('auto falls back to venv + pip when uv can be neither found nor provisioned; uv mode fails instead', async () => {
    const env = { ...process.env, PATH: await pathWithoutUv() };
    const broken = { uvVersion: '0.0.0' }; // not on PyPI
    const lines: string[] = [];
    const prepared = await createVirtualenvBackend(broken).prepare(request(f.cacheDir, f.projectDir, ['six==1.15.0'], lines, env), 'virtualenv');
    expect(lines.some((l) => l.startsWith('uv unavailable') && l.endsWith('falling back to venv + pip'))).toBe(true);
    expect((await readMarker(prepared.prefix ?? ''))?.extra['tool']).toBe('venv + pip');
    expect(pythonIn(prepared, 'import six; print(six.__version__)')).toBe('1.15.0');

    await expect(createVirtualenvBackend(broken).prepare(request(f.cacheDir, f.projectDir, ['six==1.14.0'], [], env), 'uv')).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_TOOL_MISSING',
      logFile: expect.stringContaining(path.join(f.cacheDir, 'logs', 'tools')),
    });
  });
});

describe('a Python version nothing installed matches', () => {
  it('asks uv for a managed Python, and says why when it cannot get one (the log keeps uv\'s output)', async () => {
    const { cacheDir, projectDir, cleanup } = await fixture('managed');
    try {
      const lines: string[] = [];
      const req: PrepareRequest = { ...request(cacheDir, projectDir, [], lines), declaration: { kind: 'python', python: '3.99', buildDependencies: [], dependencies: [] } };
      const error = await virtualenvBackend.prepare(req, 'virtualenv').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvError);
      const envError = error as EnvError;
      expect(envError.code).toBe('ERR_MLPROJECT_ENV_PYTHON_NOT_FOUND');
      expect(envError.message).toMatch(/^no installed Python matches 3\.99 \(found .*\); uv could not download it either: .*3\.99/);
      expect(envError.message).not.toContain('\n');
      expect(await readFile(envError.logFile ?? '', 'utf8')).toContain('python install 3.99');
      expect(lines.join('\n')).toContain('asking uv for a managed one');
    } finally {
      await cleanup();
    }
  });
});
