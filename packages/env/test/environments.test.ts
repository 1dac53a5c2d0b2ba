import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READY_MARKER, buildOnce, countLockedPackages, gcEnvironments, listEnvironments, lockDigest, removeEnvironment, tryLock } from '../src/index.js';

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'mlproject-envs-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

/** A complete cached env with a 2-package lock, last used `ageMs` ago. */
async function env(manager: string, key: string, ageMs = 0): Promise<string> {
  const dir = path.join(cacheDir, 'envs', manager, key);
  await buildOnce(dir, async (d) => {
    await mkdir(path.join(d, 'bin'), { recursive: true });
    await writeFile(path.join(d, 'bin', 'python'), 'x'.repeat(1000));
    await writeFile(path.join(d, 'lock.txt'), '# comment\nsix==1.16.0\npackaging==24.1\n');
  }, { key, pythonVersion: '3.11.7', lockFile: 'lock.txt' });
  const when = new Date(Date.now() - ageMs);
  await utimes(path.join(dir, READY_MARKER), when, when);
  return dir;
}

describe('listEnvironments', () => {
  it('lists complete envs of every backend, least recently used first, with size and lock facts', async () => {
    const a = await env('virtualenv', 'aaaa1111', HOUR);
    await env('conda', 'bbbb2222');
    await mkdir(path.join(cacheDir, 'envs', 'virtualenv', 'cccc3333')); // half-built, no marker
    await mkdir(path.join(cacheDir, 'envs', 'virtualenv', 'aaaa1111.tmp-1-00000000'));
    const list = await listEnvironments(cacheDir);
    expect(list.map((e) => `${e.manager}/${e.key}`)).toEqual(['virtualenv/aaaa1111', 'conda/bbbb2222']);
    const [first] = list;
    expect(first).toMatchObject({
      path: a,
      pythonVersion: '3.11.7',
      lockFile: path.join(a, 'lock.txt'),
      lockDigest: lockDigest('# comment\nsix==1.16.0\npackaging==24.1\n'),
      packages: 2,
    });
    expect(first?.sizeBytes).toBeGreaterThan(1000);
    expect(Date.now() - (first?.lastUsedMs ?? 0)).toBeGreaterThanOrEqual(HOUR - 1000);
    expect(first?.createdMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it('returns [] for a cache that does not exist', async () => {
    expect(await listEnvironments(path.join(cacheDir, 'nothing'))).toEqual([]);
  });
});

describe('removeEnvironment', () => {
  it('removes the one env whose key starts with the prefix', async () => {
    const dir = await env('virtualenv', 'abcd1234');
    await env('virtualenv', 'abff0000');
    const removed = await removeEnvironment(cacheDir, 'abc');
    expect(removed).toMatchObject({ key: 'abcd1234', path: dir });
    expect(await readdir(path.dirname(dir))).toEqual(['abff0000']);
  });

  it('refuses an unknown, empty or ambiguous prefix with a clear error', async () => {
    await env('virtualenv', 'abcd1234');
    await env('conda', 'abff0000');
    await expect(removeEnvironment(cacheDir, 'zz')).rejects.toMatchObject({ code: 'ERR_MLPROJECT_ENV_NOT_FOUND' });
    await expect(removeEnvironment(cacheDir, '')).rejects.toMatchObject({ code: 'ERR_MLPROJECT_ENV_NOT_FOUND' });
    await expect(removeEnvironment(cacheDir, 'ab')).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_AMBIGUOUS',
      message: "'ab' matches 2 environments: conda/abff0000, virtualenv/abcd1234",
    });
  });

  it('never removes an env while a build holds its lock', async () => {
    const dir = await env('virtualenv', 'busy0000');
    const lock = await tryLock(dir);
    try {
      await expect(removeEnvironment(cacheDir, 'busy')).rejects.toMatchObject({ code: 'ERR_MLPROJECT_ENV_BUSY' });
    } finally {
      await lock?.release();
    }
    expect((await removeEnvironment(cacheDir, 'busy')).key).toBe('busy0000');
  });
});

describe('gcEnvironments', () => {
  it('removes envs unused for longer than olderThanMs, leftover temp dirs, stale locks and old logs', async () => {
    await env('virtualenv', 'old00000', 48 * HOUR);
    await env('virtualenv', 'new00000', 1000);
    const envs = path.join(cacheDir, 'envs', 'virtualenv');
    await mkdir(path.join(envs, 'gone0000.tmp-1-00000000', 'bin'), { recursive: true }); // a killed build
    const stale = path.join(envs, 'dead0000.lock');
    await mkdir(stale);
    await utimes(stale, new Date(Date.now() - HOUR), new Date(Date.now() - HOUR)); // its owner died
    const building = path.join(envs, 'live0000');
    const held = await tryLock(building);
    await mkdir(`${building}.tmp-2-00000000`); // a build in progress
    await mkdir(path.join(cacheDir, 'tools', 'uv-1.0.0.tmp-3-00000000'), { recursive: true });
    const logs = path.join(cacheDir, 'logs', 'virtualenv');
    await mkdir(logs, { recursive: true });
    await writeFile(path.join(logs, 'old.log'), '');
    await utimes(path.join(logs, 'old.log'), new Date(Date.now() - 48 * HOUR), new Date(Date.now() - 48 * HOUR));
    await writeFile(path.join(logs, 'new.log'), '');

    const lines: string[] = [];
    try {
      const removed = await gcEnvironments(cacheDir, { olderThanMs: 24 * HOUR, log: (l) => lines.push(l) });
      expect(removed.map((e) => e.key)).toEqual(['old00000']);
      expect((await readdir(envs)).sort()).toEqual(['live0000.lock', 'live0000.tmp-2-00000000', 'new00000']);
      expect(await readdir(path.join(cacheDir, 'tools'))).toEqual([]);
      expect(await readdir(logs)).toEqual(['new.log']);
      expect(lines).toContain(`removed leftover ${path.join(envs, 'gone0000.tmp-1-00000000')}`);
      expect(lines).toContain('removed 1 build log older than the cut-off');
    } finally {
      await held?.release();
    }
  });
});

describe('countLockedPackages', () => {
  it('counts pip freeze and conda explicit lines, not comments or options', () => {
    expect(countLockedPackages('six==1.16.0\n-e file:///p\n# x\n\n--index-url https://x\n')).toBe(2);
    expect(countLockedPackages('# platform: linux-64\n@EXPLICIT\nhttps://conda.anaconda.org/a.conda#md5\n')).toBe(1);
  });
});
