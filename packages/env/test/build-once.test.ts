import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READY_MARKER, buildOnce, readMarker } from '../src/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-build-once-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A build that takes `ms` and leaves a file, counting its calls. */
function slowBuild(ms: number) {
  const calls = { count: 0 };
  const build = async (dir: string): Promise<void> => {
    calls.count++;
    await mkdir(dir);
    await new Promise((resolve) => setTimeout(resolve, ms));
    await writeFile(path.join(dir, 'content.txt'), 'built');
  };
  return { calls, build };
}

describe('buildOnce', () => {
  it('builds, writes the marker last, then reuses without building', async () => {
    const dir = path.join(root, 'envs', 'k1');
    const { calls, build } = slowBuild(10);
    const first = await buildOnce(dir, build, { key: 'k1', pythonVersion: '3.11.7', extra: { tool: 'test' } });
    expect(first.reused).toBe(false);
    expect(first.marker).toMatchObject({ key: 'k1', pythonVersion: '3.11.7', extra: { tool: 'test' } });
    expect(await readMarker(dir)).toEqual(first.marker);
    expect((await readdir(dir)).sort()).toEqual([READY_MARKER, 'content.txt']);

    const second = await buildOnce(dir, build, { key: 'k1' });
    expect(second.reused).toBe(true);
    expect(second.marker.createdAt).toBe(first.marker.createdAt);
    expect(calls.count).toBe(1);
  });

  it('builds once when two callers race; the other waits and reuses', async () => {
    const dir = path.join(root, 'envs', 'race');
    const { calls, build } = slowBuild(1500);
    const lines: string[] = [];
    const options = { key: 'race', pollMs: 50, log: (l: string) => lines.push(l) };
    const [a, b] = await Promise.all([buildOnce(dir, build, options), buildOnce(dir, build, options)]);
    expect(calls.count).toBe(1);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect(a.marker).toEqual(b.marker);
    expect(lines.some((l) => l.startsWith('waiting for another process'))).toBe(true);
  });

  it('removes a half-built directory (no marker) and rebuilds it', async () => {
    const dir = path.join(root, 'envs', 'half');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'leftover.txt'), 'from a crashed build');
    const { calls, build } = slowBuild(0);
    const lines: string[] = [];
    const result = await buildOnce(dir, build, { key: 'half', log: (l) => lines.push(l) });
    expect(result.reused).toBe(false);
    expect(calls.count).toBe(1);
    expect((await readdir(dir)).sort()).toEqual([READY_MARKER, 'content.txt']);
    expect(lines).toContain(`removed half-built ${dir}`);
  });

  it('rebuilds when the marker is for another key, is corrupt, or the health check fails', async () => {
    const dir = path.join(root, 'envs', 'stale');
    const { calls, build } = slowBuild(0);
    await buildOnce(dir, build, { key: 'old' });
    expect((await buildOnce(dir, build, { key: 'new' })).reused).toBe(false);
    await writeFile(path.join(dir, READY_MARKER), '{not json');
    expect((await buildOnce(dir, build, { key: 'new' })).reused).toBe(false);
    expect((await buildOnce(dir, build, { key: 'new', isHealthy: async () => false })).reused).toBe(false);
    expect(calls.count).toBe(4);
  });

  it('removes the directory and releases the lock when the build fails', async () => {
    const dir = path.join(root, 'envs', 'fails');
    const failing = async (d: string) => {
      await mkdir(d);
      await writeFile(path.join(d, 'partial'), '');
      throw new Error('install failed');
    };
    await expect(buildOnce(dir, failing, { key: 'f' })).rejects.toThrow('install failed');
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readdir(`${dir}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
    const { build } = slowBuild(0);
    expect((await buildOnce(dir, build, { key: 'f' })).reused).toBe(false);
  });

  it('takes over a lock left by a dead process once it is stale', async () => {
    const dir = path.join(root, 'envs', 'orphan');
    await mkdir(`${dir}.lock`, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    await utimes(`${dir}.lock`, old, old);
    const { calls, build } = slowBuild(0);
    const result = await buildOnce(dir, build, { key: 'o', staleMs: 5000 });
    expect(result.reused).toBe(false);
    expect(calls.count).toBe(1);
  });

  it('gives up waiting after waitTimeoutMs with a clean error', async () => {
    const dir = path.join(root, 'envs', 'busy');
    await mkdir(`${dir}.lock`, { recursive: true }); // fresh: held by a live process
    const { build } = slowBuild(0);
    await expect(buildOnce(dir, build, { key: 'b', waitTimeoutMs: 300, pollMs: 50 })).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_BUILD_FAILED',
      message: `timed out waiting for another process building ${dir}`,
    });
  });

  it('writes the marker atomically (no temp file left behind)', async () => {
    const dir = path.join(root, 'envs', 'atomic');
    await buildOnce(dir, slowBuild(0).build, { key: 'a' });
    const text = await readFile(path.join(dir, READY_MARKER), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ key: 'a' });
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
