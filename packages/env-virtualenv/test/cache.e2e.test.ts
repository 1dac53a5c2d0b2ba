// The env cache's promises with real uv, real PyPI packages and real processes: one build for four
// racing processes, a SIGKILLed build never reused, rebuild, replay from a recorded lock, and the
// list / remove / gc operations. uv is provisioned once into a shared tools dir and put on PATH.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gcEnvironments, listEnvironments, lockDigest, readMarker, removeEnvironment, type PrepareRequest, type PreparedEnvironment } from '@mlproject/env';
import { createVirtualenvBackend, lockEntries, virtualenvBackend } from '../src/index.js';

const pkg = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(pkg, 'dist', 'index.js');
const timings: string[] = [];
let root: string;
let env: NodeJS.ProcessEnv;

// Children import the compiled package; uv is provisioned once and put on PATH for everything else.
beforeAll(async () => {
  execFileSync(path.join(pkg, '../../node_modules/.bin/tsc'), ['-b', pkg], { stdio: 'inherit' });
  root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-cache-e2e-'));
  const tools = path.join(root, 'tools-cache');
  const project = await projectDir('tools');
  const bare = await virtualenvBackend.prepare({ ...request(tools, project, []), env: { ...process.env, PATH: withoutUv() } }, 'uv');
  expect(bare.reused).toBe(false);
  env = { ...process.env, PATH: `${path.join(tools, 'tools', 'uv-0.13.9', 'bin')}:${withoutUv()}` };
});
afterAll(async () => {
  console.info(`cache e2e timings:\n  ${timings.join('\n  ')}`);
  await rm(root, { recursive: true, force: true });
});

/** This process's PATH without any directory that holds a `uv`. */
function withoutUv(): string {
  return (process.env['PATH'] ?? '').split(':').filter((dir) => !existsSync(path.join(dir, 'uv'))).join(':');
}

async function projectDir(name: string): Promise<string> {
  const dir = path.join(root, `project-${name}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

function request(cacheDir: string, projectDir: string, dependencies: string[], lines: string[] = []): PrepareRequest {
  return {
    declaration: { kind: 'python', python: null, buildDependencies: [], dependencies },
    projectDir,
    cacheDir,
    env,
    log: (line) => lines.push(line),
  };
}

async function names(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

function pythonIn(prepared: PreparedEnvironment, code: string): string {
  return execFileSync('python', ['-c', code], { env: prepared.childEnv(process.env) }).toString().trim();
}

/** name==version lines of a lock, normalized and sorted. */
function pins(lock: string): string[] {
  return lockEntries(lock).map((e) => e.line).sort();
}

const CHILD = `
import { createVirtualenvBackend } from ${JSON.stringify(dist)};
const [cacheDir, projectDir, deps] = process.argv.slice(1);
const prepared = await createVirtualenvBackend().prepare({
  declaration: { kind: 'python', python: null, buildDependencies: [], dependencies: JSON.parse(deps) },
  projectDir, cacheDir, log: (line) => process.stdout.write('log: ' + line + '\\n'),
}, 'virtualenv');
process.stdout.write(JSON.stringify({ prefix: prepared.prefix, reused: prepared.reused, durationMs: prepared.durationMs }) + '\\n');
`;

interface ChildResult {
  code: number | null;
  prefix: string;
  reused: boolean;
  durationMs: number;
}

/** `prepare` in its own node process (and process group, so the group can be killed together). */
function child(cacheDir: string, projectDir: string, deps: string[]) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', CHILD, cacheDir, projectDir, JSON.stringify(deps)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
    detached: true,
  });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const done = new Promise<ChildResult>((resolve) =>
    proc.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '{}';
      resolve({ code, ...(last.startsWith('{') ? (JSON.parse(last) as Omit<ChildResult, 'code'>) : { prefix: '', reused: false, durationMs: 0 }) });
    }),
  );
  return { proc, done, output: () => out };
}

describe('the env cache with real uv and PyPI', () => {
  it('4 processes preparing a cold project at once build it once; a 5th process reuses it with no tool run', async () => {
    const cacheDir = path.join(root, 'race');
    const project = await projectDir('race');
    const deps = ['six==1.16.0', 'idna==3.7'];
    const started = performance.now();
    const results = await Promise.all([1, 2, 3, 4].map(() => child(cacheDir, project, deps).done));
    timings.push(`cold build, 4 racing processes: ${Math.round(performance.now() - started)} ms wall; builder's prepare ${Math.round(Math.max(...results.map((r) => r.durationMs)))} ms`);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(new Set(results.map((r) => r.prefix)).size).toBe(1);
    expect(results.filter((r) => !r.reused)).toHaveLength(1);
    const logs = path.join(cacheDir, 'logs', 'virtualenv');
    expect(await names(logs)).toHaveLength(1);
    const prefix = results[0]?.prefix ?? '';
    expect(await names(path.dirname(prefix))).toEqual([path.basename(prefix)]); // no temp dir, no lock

    const warm = await child(cacheDir, project, deps).done;
    timings.push(`warm reuse in a new process: prepare ${Math.round(warm.durationMs)} ms`);
    expect(warm).toMatchObject({ code: 0, reused: true, prefix });
    expect(await names(logs)).toHaveLength(1);
  });

  it('a build killed halfway (SIGKILL of the process group) is never reused: the next prepare builds afresh and cleans up', async () => {
    const cacheDir = path.join(root, 'killed');
    const project = await projectDir('killed');
    const slow = path.join(project, 'slowpkg');
    await mkdir(slow);
    // A local package whose build sleeps while the flag file exists: the install is mid-way for sure.
    await writeFile(path.join(slow, 'setup.py'), [
      'import os, time',
      'from setuptools import setup',
      "if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'SLOW')):",
      '    time.sleep(300)',
      "setup(name='slowpkg', version='0.1', py_modules=['slowpkg'])",
      '',
    ].join('\n'));
    await writeFile(path.join(slow, 'slowpkg.py'), 'VALUE = 42\n');
    await writeFile(path.join(slow, 'SLOW'), '');
    const deps = ['six==1.16.0', './slowpkg'];

    const victim = child(cacheDir, project, deps);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (victim.output().includes('log: installing dependencies')) {
          clearInterval(timer);
          setTimeout(resolve, 3000); // uv is now building slowpkg
        }
      }, 50);
      void victim.done.then(() => reject(new Error(`the child ended before installing:\n${victim.output()}`)));
    });
    process.kill(-(victim.proc.pid ?? 0), 'SIGKILL');
    await victim.done;
    const envs = path.join(cacheDir, 'envs', 'virtualenv');
    const left = await names(envs);
    const temp = left.find((n) => n.includes('.tmp-'));
    expect(temp).toBeDefined();
    const key = temp?.split('.tmp-')[0] ?? '';
    expect(left).not.toContain(key); // nothing at the final path

    await unlink(path.join(slow, 'SLOW'));
    const lines: string[] = [];
    const prepared = await virtualenvBackend.prepare(request(cacheDir, project, deps, lines), 'virtualenv');
    expect(prepared).toMatchObject({ reused: false, key });
    expect(lines).toContain(`removed half-built ${path.join(envs, temp ?? '')}`);
    expect(pythonIn(prepared, 'import slowpkg, six; print(slowpkg.VALUE, six.__version__)')).toBe('42 1.16.0');
    expect(await names(envs)).toEqual([key]);
  });

  it('replays a recorded lock in another cache: the same name==version set, no resolution, cached by the lock digest', async () => {
    const project = await projectDir('replay');
    const loose = await virtualenvBackend.prepare(request(path.join(root, 'replay-a'), project, ['packaging>=23', 'idna<4']), 'virtualenv');
    const lock = await readFile(loose.lockFile ?? '', 'utf8');
    expect(loose.lockDigest).toBe(lockDigest(lock));
    expect(pins(lock).map((l) => l.split('==')[0])).toEqual(['idna', 'packaging']);

    const other = path.join(root, 'replay-b');
    const lines: string[] = [];
    const frozen = await virtualenvBackend.prepare({ ...request(other, project, ['something-else==9'], lines), frozenLock: lock }, 'virtualenv');
    timings.push(`frozen replay (uv pip sync of a ${pins(lock).length}-package lock, cold cache dir): ${Math.round(frozen.durationMs)} ms`);
    expect(frozen.reused).toBe(false);
    expect(frozen.key).not.toBe(loose.key);
    expect(lines.some((l) => /^installing 2 locked packages with uv .* \(no resolution\)$/.test(l))).toBe(true);
    expect(await readFile(frozen.lockFile ?? '', 'utf8')).toBe(lock);
    expect(frozen.lockDigest).toBe(loose.lockDigest);
    expect(pythonIn(frozen, 'import packaging, idna; print(packaging.__version__, idna.__version__)')).toBe(
      pythonIn(loose, 'import packaging, idna; print(packaging.__version__, idna.__version__)'),
    );
    const again = await virtualenvBackend.prepare({ ...request(other, project, []), frozenLock: lock }, 'virtualenv');
    expect(again).toMatchObject({ reused: true, prefix: frozen.prefix });

    // venv + pip replays it too; pip, seeded by venv but not in the lock, is removed.
    const viaPip = await createVirtualenvBackend({ tool: 'pip' }).prepare({ ...request(path.join(root, 'replay-c'), project, []), frozenLock: lock }, 'virtualenv');
    expect(pins(await readFile(viaPip.lockFile ?? '', 'utf8'))).toEqual(pins(lock));
  });

  it('a lock that cannot be installed fails cleanly with the log', async () => {
    const project = await projectDir('bad-lock');
    const error = await virtualenvBackend.prepare({ ...request(path.join(root, 'bad-lock'), project, []), frozenLock: 'six==0.0.0-no-such\n' }, 'virtualenv').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MLPROJECT_ENV_BUILD_FAILED', message: expect.stringMatching(/^installing 1 locked package with uv .* failed \(exit code \d+\): /) });
    expect((error as Error).message).not.toContain('\n');
    expect(await readFile((error as { logFile: string }).logFile, 'utf8')).toContain('six==0.0.0-no-such');
    expect(await names(path.join(root, 'bad-lock', 'envs', 'virtualenv'))).toEqual([]);
  });

  it('rebuild builds the env again at the same path; the next prepare reuses it', async () => {
    const cacheDir = path.join(root, 'rebuild');
    const project = await projectDir('rebuild');
    const first = await virtualenvBackend.prepare(request(cacheDir, project, ['six==1.16.0']), 'virtualenv');
    const firstCreated = (await readMarker(first.prefix ?? ''))?.createdAt;
    const rebuilt = await virtualenvBackend.prepare({ ...request(cacheDir, project, ['six==1.16.0']), rebuild: true }, 'virtualenv');
    expect(rebuilt).toMatchObject({ reused: false, prefix: first.prefix, lockDigest: first.lockDigest });
    expect(rebuilt.buildLogFile).not.toBe(first.buildLogFile);
    expect((await readMarker(rebuilt.prefix ?? ''))?.createdAt).not.toBe(firstCreated);
    const reused = await virtualenvBackend.prepare(request(cacheDir, project, ['six==1.16.0']), 'virtualenv');
    expect(reused).toMatchObject({ reused: true, buildLogFile: rebuilt.buildLogFile });
    expect(await names(path.dirname(first.prefix ?? ''))).toEqual([first.key]);
  });

  it('console scripts work after the rename, with uv and with venv + pip', async () => {
    const project = await projectDir('scripts');
    for (const [label, backend] of [['uv', virtualenvBackend], ['pip', createVirtualenvBackend({ tool: 'pip' })]] as const) {
      const prepared = await backend.prepare(request(path.join(root, `scripts-${label}`), project, ['wheel==0.43.0']), 'virtualenv');
      expect(execFileSync('wheel', ['version'], { env: prepared.childEnv(process.env) }).toString().trim()).toBe('wheel 0.43.0');
      const bin = path.join(prepared.prefix ?? '', 'bin');
      for (const name of await names(bin)) {
        const text = await readFile(path.join(bin, name)).catch(() => Buffer.alloc(0));
        expect(text.includes('.tmp-'), `${label}: bin/${name} still names the temp dir`).toBe(false);
      }
    }
  });

  it('lists, removes by key prefix and garbage-collects real envs', async () => {
    const cacheDir = path.join(root, 'ops');
    const project = await projectDir('ops');
    const a = await virtualenvBackend.prepare(request(cacheDir, project, ['six==1.16.0']), 'virtualenv');
    const b = await virtualenvBackend.prepare(request(cacheDir, project, ['idna==3.7']), 'virtualenv');
    const list = await listEnvironments(cacheDir);
    expect(list.map((e) => e.key).sort()).toEqual([a.key, b.key].sort());
    const infoA = list.find((e) => e.key === a.key);
    expect(infoA).toMatchObject({ manager: 'virtualenv', path: a.prefix, lockFile: a.lockFile, lockDigest: a.lockDigest, packages: 1, pythonVersion: a.pythonVersion });
    expect(infoA?.sizeBytes).toBeGreaterThan(10_000);

    expect((await removeEnvironment(cacheDir, (a.key ?? '').slice(0, 8))).path).toBe(a.prefix);
    expect((await listEnvironments(cacheDir)).map((e) => e.key)).toEqual([b.key]);

    expect(await gcEnvironments(cacheDir, { olderThanMs: 3_600_000 })).toEqual([]);
    const gone = await gcEnvironments(cacheDir, { olderThanMs: 0, now: Date.now() + 1000 });
    expect(gone.map((e) => e.key)).toEqual([b.key]);
    expect(await listEnvironments(cacheDir)).toEqual([]);
    expect(await names(path.join(cacheDir, 'logs', 'virtualenv'))).toEqual([]);
  });
});
