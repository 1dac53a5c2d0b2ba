import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { localArtifacts } from '../src/artifacts.js';
import { spawnRun } from '../src/exec.js';
import { followRunLogs } from '../src/follow.js';
import type { LogStream } from '../src/logs.js';

describe('followRunLogs (real bash, real SQLite store)', () => {
  it('prints what was written before and after it started, and returns once the run has ended', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-follow-'));
    const store = openSqliteStore(path.join(dir, 'mlproject.db'));
    const artifacts = localArtifacts(path.join(dir, 'mlartifacts'));
    const run = await store.createRun({ experimentId: '0', userId: 'u', startTime: Date.now(), tags: [] });
    const submitted = spawnRun({
      runId: run.info.runId, experimentId: '0', cwd: dir, store, artifacts, artifactUri: run.info.artifactUri,
      command: 'for i in 1 2 3 4 5 6; do echo line $i; echo err $i >&2; sleep 0.15; done',
      env: { PATH: process.env['PATH'] ?? '', HOME: dir }, terminal: { stdout: new PassThrough(), stderr: new PassThrough() },
      onEnd: async () => {},
    });
    await new Promise((r) => setTimeout(r, 200));
    const got: Record<LogStream, string> = { stdout: '', stderr: '' };
    const reader = openSqliteStore(path.join(dir, 'mlproject.db'));
    await followRunLogs(reader, artifacts, run.info.runId, {
      streams: ['stdout', 'stderr'], follow: true, pollMs: 50, write: (s, b) => { got[s] += b.toString(); },
    });
    expect(submitted.getStatus()).not.toBe('RUNNING');
    expect(got.stdout).toBe([1, 2, 3, 4, 5, 6].map((i) => `line ${i}\n`).join(''));
    expect(got.stderr).toBe([1, 2, 3, 4, 5, 6].map((i) => `err ${i}\n`).join(''));
    await submitted.wait();
    await reader.close();
    await store.close();
  });

  it('a run without logs is ERR_MLPROJECT_RUN_NO_LOGS', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-follow-'));
    const store = openSqliteStore(path.join(dir, 'mlproject.db'));
    const run = await store.createRun({ experimentId: '0', userId: 'u', startTime: Date.now(), tags: [] });
    await store.updateRun(run.info.runId, { status: 'FINISHED', endTime: Date.now() });
    await expect(followRunLogs(store, localArtifacts(path.join(dir, 'a')), run.info.runId, { write: () => {} }))
      .rejects.toMatchObject({ code: 'ERR_MLPROJECT_RUN_NO_LOGS' });
    await store.close();
  });
});
