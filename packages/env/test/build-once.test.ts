import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
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

  it('removes temp dirs left by a crashed build, and replaces a directory without a marker', async () => {
    const dir = path.join(root, 'envs', 'half');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'leftover.txt'), 'from an old in-place build');
    const crashed = `${dir}.tmp-99999-deadbeef`;
    await mkdir(crashed);
    await writeFile(path.join(crashed, 'partial.txt'), 'from a killed build');
    const { calls, build } = slowBuild(0);
    const lines: string[] = [];
    const result = await buildOnce(dir, build, { key: 'half', log: (l) => lines.push(l) });
    expect(result.reused).toBe(false);
    expect(calls.count).toBe(1);
    expect((await readdir(dir)).sort()).toEqual([READY_MARKER, 'content.txt']);
    expect(lines).toContain(`removed half-built ${crashed}`);
    expect(await readdir(path.dirname(dir))).toEqual(['half']);
  });

  it('builds in a temp dir next to the final one and renames it into place', async () => {
    const dir = path.join(root, 'envs', 'temp');
    const seen: string[] = [];
    await buildOnce(dir, async (temp, final) => {
      seen.push(temp, final);
      await mkdir(temp);
      expect(await readdir(path.dirname(dir))).not.toContain('temp');
    }, { key: 't' });
    expect(seen[0]).toMatch(new RegExp(`^${dir}\\.tmp-${process.pid}-[0-9a-f]{8}$`));
    expect(seen[1]).toBe(dir);
    expect(await readdir(path.dirname(dir))).toEqual(['temp']);
  });

  it('rebuilds when the marker is for another key, is corrupt, or the health check fails', async () => {
    const dir = path.join(root, 'envs', 'stale');
    const { calls, build } = slowBuild(0);
    await buildOnce(dir, build, { key: 'old' });
    expect((await buildOnce(dir, build, { key: 'new' })).reused).toBe(false);
    await writeFile(path.join(dir, READY_MARKER), '{not json');
    expect((await buildOnce(dir, build, { key: 'new' })).reused).toBe(false);
    const sick = (await readMarker(dir))?.createdAt;
    expect((await buildOnce(dir, build, { key: 'new', isHealthy: async (_d, m) => m.createdAt !== sick })).reused).toBe(false);
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
    expect(await readdir(path.dirname(dir))).toEqual([]); // no dir, no temp dir, no lock
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

  it('rebuild replaces a valid directory, keeping the old one if the new build fails', async () => {
    const dir = path.join(root, 'envs', 'rebuild');
    const { calls, build } = slowBuild(0);
    const first = await buildOnce(dir, build, { key: 'r' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const failing = async (d: string) => {
      await mkdir(d);
      throw new Error('broken');
    };
    await expect(buildOnce(dir, failing, { key: 'r', rebuild: true })).rejects.toThrow('broken');
    expect(await readMarker(dir)).toEqual(first.marker);
    const second = await buildOnce(dir, build, { key: 'r', rebuild: true });
    expect(second.reused).toBe(false);
    expect(second.marker.createdAt > first.marker.createdAt).toBe(true);
    expect(calls.count).toBe(2);
    expect((await readdir(path.dirname(dir))).sort()).toEqual(['rebuild']);
  });

  it('two racing rebuilds build once: the second reuses the first one\'s fresh build', async () => {
    const dir = path.join(root, 'envs', 'rebuild-race');
    const { calls, build } = slowBuild(300);
    await buildOnce(dir, build, { key: 'rr' });
    const options = { key: 'rr', rebuild: true, pollMs: 20 };
    const results = await Promise.all([buildOnce(dir, build, options), buildOnce(dir, build, options)]);
    expect(results.map((r) => r.reused).sort()).toEqual([false, true]);
    expect(calls.count).toBe(2);
  });

  it('records the lock file and its digest, and fails a build that wrote none', async () => {
    const dir = path.join(root, 'envs', 'locked');
    const result = await buildOnce(dir, async (d) => {
      await mkdir(d);
      await writeFile(path.join(d, 'lock.txt'), 'six==1.16.0\n');
    }, { key: 'l', lockFile: 'lock.txt', buildLogFile: '/logs/x.log' });
    expect(result.marker).toMatchObject({
      lockFile: 'lock.txt',
      lockDigest: createHash('sha256').update('six==1.16.0\n').digest('hex'),
      buildLogFile: '/logs/x.log',
    });
    const other = path.join(root, 'envs', 'unlocked');
    await expect(buildOnce(other, slowBuild(0).build, { key: 'u', lockFile: 'lock.txt' })).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_BUILD_FAILED',
      message: `the build of ${other} wrote no lock lock.txt`,
    });
    await expect(readdir(other)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('checks a new build before renaming it into place', async () => {
    const dir = path.join(root, 'envs', 'unhealthy');
    const checked: string[] = [];
    const isHealthy = async (d: string) => {
      checked.push(d);
      return false;
    };
    await expect(buildOnce(dir, slowBuild(0).build, { key: 'h', isHealthy, buildLogFile: '/l.log' })).rejects.toMatchObject({
      code: 'ERR_MLPROJECT_ENV_BUILD_FAILED',
      message: `the new environment for ${dir} failed its health check`,
      logFile: '/l.log',
    });
    expect(checked.at(-1)).toContain('.tmp-');
    expect(await readdir(path.dirname(dir))).toEqual([]);
  });

  it('marks the entry used on reuse (the marker mtime)', async () => {
    const dir = path.join(root, 'envs', 'used');
    await buildOnce(dir, slowBuild(0).build, { key: 'u' });
    const old = new Date(Date.now() - 3_600_000);
    await utimes(path.join(dir, READY_MARKER), old, old);
    await buildOnce(dir, slowBuild(0).build, { key: 'u' });
    expect((await stat(path.join(dir, READY_MARKER))).mtimeMs).toBeGreaterThan(Date.now() - 10_000);
  });

  it('inPlace builds at the final path, marker last', async () => {
    const dir = path.join(root, 'envs', 'in-place');
    const seen: string[] = [];
    await buildOnce(dir, async (d, final) => {
      seen.push(d, final);
      await mkdir(d);
    }, { key: 'p', inPlace: true });
    expect(seen).toEqual([dir, dir]);
    expect(await readdir(dir)).toEqual([READY_MARKER]);
  });
});
