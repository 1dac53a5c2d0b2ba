import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/index.js';

// SQLite's busy handler polls, so with many writers (32-48 processes on 2 cores) one can wait out the
// whole 10 s busy timeout while others take the lock. The store must keep waiting, not fail with
// SQLITE_BUSY. Shown deterministically: another process holds the write lock for 12 s.
const holder = fileURLToPath(new URL('./fixtures/lock-holder.mjs', import.meta.url));
const HOLD_MS = 12_000;
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'mlproject-lock-wait-'));

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('another process holds the write lock longer than the busy timeout', () => {
  it('opening the store does not wait; a write waits for the lock and succeeds instead of surfacing SQLITE_BUSY', async () => {
    const path = join(dir, 'locked.db');
    const store = openSqliteStore(path);
    const runId = (await store.createRun({ experimentId: '0', userId: 'test', startTime: 1, tags: [] })).info.runId;
    const child = spawn(process.execPath, [holder, path, runId, String(HOLD_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => ((out += chunk.toString()), out.includes('holding') && resolve()));
      child.on('exit', (code) => reject(new Error(`lock holder exited (${code}) before holding the lock`)));
    });
    // Opening a current store needs no write lock: a new `mlproject run` starts while others write.
    const second = openSqliteStore(path);
    expect(out).toBe('holding\n');
    expect((await second.getRun(runId)).info.runId).toBe(runId);
    await second.close();
    await store.logMetric(runId, { key: 'after_wait', value: 1, timestamp: 2, step: 0 });
    // The write went through after the holder's commit, and both are there.
    const exited = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve)));
    expect({ exited, out }).toEqual({ exited: 0, out: 'holding\nreleased\n' });
    const run = await store.getRun(runId);
    expect(run.data.metrics.map((m) => m.key)).toEqual(['after_wait']);
    expect(run.data.tags.find((t) => t.key === 'holder')?.value).toBe('committed');
    await store.close();
  });
});
