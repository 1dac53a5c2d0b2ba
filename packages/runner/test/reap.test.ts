import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrackingStore } from '@mlproject/tracking';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { RUNNER_TAGS, bootId, groupAlive, processStartTime } from '../src/liveness.js';
import { lostRunnerReason, reapLostRuns, type ReapContext } from '../src/reap.js';

const context: ReapContext = {
  host: 'here', bootId: 'boot-1', now: 1_000_000, staleAfterMs: 60_000,
  startTimeOf: (pid) => (pid === 10 ? '500' : null), alive: (pid) => pid === 10,
};
const tags = (over: Record<string, string>) => ({
  [RUNNER_TAGS.host]: 'here', [RUNNER_TAGS.bootId]: 'boot-1', [RUNNER_TAGS.pid]: '10', [RUNNER_TAGS.startedAt]: '500',
  [RUNNER_TAGS.heartbeat]: '990000', ...over,
});

describe('lostRunnerReason', () => {
  it('same host: gone when the pid is dead or is another process; alive otherwise', () => {
    expect(lostRunnerReason(tags({}), context)).toBeNull();
    expect(lostRunnerReason(tags({ [RUNNER_TAGS.pid]: '11' }), context)).toBe('runner pid 11 on here is gone');
    expect(lostRunnerReason(tags({ [RUNNER_TAGS.startedAt]: '400' }), context)).toMatch(/pid is another process now/);
    expect(lostRunnerReason(tags({ [RUNNER_TAGS.bootId]: 'boot-0' }), context)).toMatch(/before the last reboot/);
  });
  it('another host: gone only when the heartbeat is older than staleAfterMs', () => {
    expect(lostRunnerReason(tags({ [RUNNER_TAGS.host]: 'there' }), context)).toBeNull();
    expect(lostRunnerReason(tags({ [RUNNER_TAGS.host]: 'there', [RUNNER_TAGS.heartbeat]: '900000' }), context)).toBe('runner pid 10 on there sent no heartbeat for 100 s');
  });
  it('runs without our tags are not ours', () => {
    expect(lostRunnerReason({}, context)).toBeNull();
    expect(lostRunnerReason({ 'mlflow.user': 'x' }, context)).toBeNull();
  });
});

const stores: TrackingStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
});

async function deadPid(): Promise<number> {
  const child = await execa('true');
  return child.pid ?? 999_999;
}

describe('reapLostRuns (real SQLite store, real processes)', () => {
  it('marks FAILED a run whose runner died, kills its orphaned group, and leaves every other run alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-reap-'));
    const store = openSqliteStore(path.join(dir, 'mlproject.db'));
    stores.push(store);
    const create = async (runTags: Record<string, string>) => {
      const run = await store.createRun({
        experimentId: '0', userId: 'u', startTime: Date.now(), tags: Object.entries(runTags).map(([key, value]) => ({ key, value })),
      });
      return run.info.runId;
    };
    const here = { [RUNNER_TAGS.host]: os.hostname(), [RUNNER_TAGS.bootId]: bootId() };
    const lost = await create({ ...here, [RUNNER_TAGS.pid]: String(await deadPid()), [RUNNER_TAGS.startedAt]: '1', [RUNNER_TAGS.heartbeat]: String(Date.now()) });
    // The lost run's child, still running in its own group, as a dead runner leaves it.
    const orphan = spawn('bash', ['-c', 'sleep 300 & sleep 300'], { detached: true, stdio: 'ignore', env: { ...process.env, MLFLOW_RUN_ID: lost } });
    const pgid = orphan.pid ?? 0;
    await new Promise((r) => setTimeout(r, 100));
    await store.logBatch(lost, { tags: [{ key: RUNNER_TAGS.pgid, value: String(pgid) }, { key: RUNNER_TAGS.childStartedAt, value: processStartTime(pgid) ?? '' }] });
    const live = await create({ ...here, [RUNNER_TAGS.pid]: String(process.pid), [RUNNER_TAGS.startedAt]: processStartTime(process.pid) ?? '' });
    const plain = await create({ 'mlflow.user': 'someone' });
    const farStale = await create({ [RUNNER_TAGS.host]: 'elsewhere', [RUNNER_TAGS.pid]: '1', [RUNNER_TAGS.heartbeat]: String(Date.now() - 120_000) });
    const farFresh = await create({ [RUNNER_TAGS.host]: 'elsewhere', [RUNNER_TAGS.pid]: '1', [RUNNER_TAGS.heartbeat]: String(Date.now()) });

    const reaped = await reapLostRuns(store);
    expect(reaped.map((r) => r.runId).sort()).toEqual([lost, farStale].sort());
    expect(reaped.find((r) => r.runId === lost)?.killedChild).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(groupAlive(pgid)).toBe(false);
    for (const id of [lost, farStale]) {
      const run = await store.getRun(id);
      expect(run.info.status).toBe('FAILED');
      expect(run.info.endTime).toBeGreaterThan(0);
      expect(run.data.tags).toContainEqual({ key: 'mlproject.status.reason', value: 'runner-lost' });
    }
    for (const id of [live, plain, farFresh]) expect((await store.getRun(id)).info.status).toBe('RUNNING');
    expect(await reapLostRuns(store)).toEqual([]);
  });

  it('never signals a group whose leader is another process now', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-reap-'));
    const store = openSqliteStore(path.join(dir, 'mlproject.db'));
    stores.push(store);
    const other = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    const pgid = other.pid ?? 0;
    await new Promise((r) => setTimeout(r, 100));
    const run = await store.createRun({
      experimentId: '0', userId: 'u', startTime: Date.now(), tags: [
        { key: RUNNER_TAGS.host, value: os.hostname() }, { key: RUNNER_TAGS.bootId, value: bootId() },
        { key: RUNNER_TAGS.pid, value: String(await deadPid()) }, { key: RUNNER_TAGS.pgid, value: String(pgid) },
        { key: RUNNER_TAGS.childStartedAt, value: '1' },
      ],
    });
    const [reaped] = await reapLostRuns(store);
    expect(reaped).toMatchObject({ runId: run.info.runId, killedChild: false });
    expect(groupAlive(pgid)).toBe(true);
    process.kill(-pgid, 'SIGKILL');
  });
});
