import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrackingStore } from '@mlproject/tracking';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { localArtifacts, type ArtifactAccess } from '../src/artifacts.js';
import { killGraceMs, spawnRun } from '../src/exec.js';
import { RUNNER_TAGS, startLiveness } from '../src/liveness.js';
import { spoolDirOf } from '../src/logs.js';
import { processesOfRun } from './procs.js';

const stores: TrackingStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
});

async function setup(artifacts?: ArtifactAccess) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-exec-'));
  const store = openSqliteStore(path.join(dir, 'mlproject.db'));
  stores.push(store);
  const run = await store.createRun({ experimentId: '0', userId: 'u', startTime: Date.now(), tags: [] });
  const terminal = { stdout: new PassThrough(), stderr: new PassThrough() };
  const echoed = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  terminal.stdout.on('data', (b: Buffer) => echoed.stdout.push(b));
  terminal.stderr.on('data', (b: Buffer) => echoed.stderr.push(b));
  const access = artifacts ?? localArtifacts(path.join(dir, 'mlartifacts'));
  const start = async (command: string, extra: { killGraceMs?: number } = {}) => spawnRun({
    runId: run.info.runId, experimentId: '0', command, cwd: dir, store, artifacts: access, artifactUri: run.info.artifactUri,
    env: { PATH: process.env['PATH'] ?? '', HOME: dir, MLFLOW_RUN_ID: run.info.runId }, terminal,
    liveness: await startLiveness(store, run.info.runId), onEnd: async () => {}, ...extra,
  });
  return { dir, store, run, access, start, echoed };
}

describe('spawnRun: process group', () => {
  it('a child that ignores SIGTERM gets SIGKILL after the grace period; the run ends KILLED, nothing is left', async () => {
    const { start, run } = await setup();
    const submitted = await start("trap '' TERM; sleep 300 & sleep 300; wait", { killGraceMs: 300 });
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    await submitted.cancel('SIGTERM');
    const outcome = await submitted.wait();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(outcome).toMatchObject({ status: 'KILLED', signal: 'SIGKILL', exitCode: null });
    expect(processesOfRun(run.info.runId)).toEqual([]);
  });

  it('background processes the child leaves behind are swept when it ends; exit 0 stays FINISHED', async () => {
    const { start, run, store } = await setup();
    const submitted = await start('sleep 300 & sleep 300 & echo started', { killGraceMs: 300 });
    const outcome = await submitted.wait();
    expect(outcome).toMatchObject({ status: 'FINISHED', exitCode: 0 });
    expect(processesOfRun(run.info.runId)).toEqual([]);
    const tags = Object.fromEntries((await store.getRun(run.info.runId)).data.tags.map((t) => [t.key, t.value]));
    expect(tags['mlproject.status.reason']).toBe('exit 0');
    expect(Number(tags[RUNNER_TAGS.pgid])).toBeGreaterThan(1);
    expect(tags[RUNNER_TAGS.pid]).toBe(String(process.pid));
  });
});

describe('spawnRun: logs', () => {
  it('keeps stdout and stderr byte for byte in logs/*.txt and echoes them unchanged', async () => {
    const { start, access, run } = await setup();
    const submitted = await start(String.raw`printf 'a\0\377b\r\nno newline'; printf '\033[31mred\033[0m' >&2; exit 3`);
    const outcome = await submitted.wait();
    expect(outcome).toMatchObject({ status: 'FAILED', exitCode: 3 });
    const out = Buffer.from('a\0\xffb\r\nno newline', 'latin1');
    const err = Buffer.from('\x1b[31mred\x1b[0m', 'latin1');
    expect(await access.read(run.info.artifactUri, 'logs/stdout.txt')).toEqual(out);
    expect(await access.read(run.info.artifactUri, 'logs/stderr.txt')).toEqual(err);
  });

  it('spools for a remote store, uploads periodically and at the end, then removes the spool', async () => {
    const uploads: { relPath: string; data: Buffer }[] = [];
    const remote: ArtifactAccess = {
      write: async (_uri, relPath, data) => { uploads.push({ relPath, data: Buffer.from(data) }); },
      read: async () => null, list: async () => [], localDir: () => null,
    };
    const { start, run, echoed } = await setup(remote);
    const submitted = await start('echo one; echo two >&2');
    await submitted.wait();
    const last = (p: string) => uploads.filter((u) => u.relPath === p).at(-1)?.data.toString();
    expect(last('logs/stdout.txt')).toBe('one\n');
    expect(last('logs/stderr.txt')).toBe('two\n');
    expect(Buffer.concat(echoed.stdout).toString()).toBe('one\n');
    expect(existsSync(spoolDirOf(run.info.runId))).toBe(false);
  });
});

describe('killGraceMs', () => {
  it('reads MLPROJECT_KILL_GRACE_MS, refuses anything but a whole number of ms', () => {
    expect(killGraceMs({})).toBe(10_000);
    expect(killGraceMs({ MLPROJECT_KILL_GRACE_MS: '250' })).toBe(250);
    expect(() => killGraceMs({ MLPROJECT_KILL_GRACE_MS: '10s' })).toThrow(/MLPROJECT_KILL_GRACE_MS='10s' is not a whole number/);
  });
});
