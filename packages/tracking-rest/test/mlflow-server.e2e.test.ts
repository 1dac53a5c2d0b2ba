import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTrackingError, tagValue } from '@mlproject/tracking/conformance';
import { mlflowPython } from '../../tracking-server/test/python-env.js';
import { openRestStore, type RestStore } from '../src/index.js';

/** A free port: MLflow's server needs an explicit one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

interface MlflowServer { url: string; dir: string; child: ChildProcess; log: () => string }

/** `python -m mlflow server` over a fresh store (SQLite for 3.x) with artifact serving, up once /health answers. */
async function startMlflowServer(version: string): Promise<MlflowServer> {
  const python = await mlflowPython(version);
  const dir = mkdtempSync(join(tmpdir(), `mlproject-rest-mlflow-${version}-`));
  const port = await freePort();
  const child = spawn(python, [
    '-m', 'mlflow', 'server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1',
    // 2.x: the file store, as the cached 2.x venv's SQLAlchemy (resolved for the client) is too old for its SQL store.
    '--backend-store-uri', version.startsWith('2.') ? join(dir, 'mlruns') : `sqlite:///${join(dir, 'mlflow.db')}`,
    '--artifacts-destination', join(dir, 'mlartifacts'),
  ], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' } });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i += 1) {
    if (child.exitCode !== null) throw new Error(`mlflow server ${version} exited (${child.exitCode}):\n${output}`);
    const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (up) return { url, dir, child, log: () => output };
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error(`mlflow server ${version} did not answer /health in 120 s:\n${output}`);
}

function stop(server: MlflowServer | undefined): void {
  if (server === undefined) return;
  if (server.child.pid !== undefined && server.child.exitCode === null) {
    try {
      process.kill(-server.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(server.dir, { recursive: true, force: true });
}

for (const version of ['3.17.2', '2.22.5']) {
  describe(`against a real mlflow server ${version}`, () => {
    let server: MlflowServer | undefined;
    let store: RestStore;
    beforeAll(async () => {
      server = await startMlflowServer(version);
      store = openRestStore(server.url, { retries: 1, backoffMs: 10, jitterMs: 0 });
    });
    afterAll(() => stop(server));

    it('creates, finds and refuses experiments with MLflow\'s error codes', async () => {
      expect((await store.getExperiment('0')).name).toBe('Default');
      const id = await store.createExperiment('wine', undefined, [{ key: 'team', value: 'ml' }]);
      const exp = await store.getExperimentByName('wine');
      expect(exp).toMatchObject({ experimentId: id, name: 'wine', lifecycleStage: 'active', tags: [{ key: 'team', value: 'ml' }] });
      expect(exp?.artifactLocation).toBe(`mlflow-artifacts:/${id}`);
      expect(await store.getExperimentByName('no such experiment')).toBeNull();
      await expectTrackingError(store.createExperiment('wine'), 'RESOURCE_ALREADY_EXISTS');
      await expectTrackingError(store.getExperiment('987654'), 'RESOURCE_DOES_NOT_EXIST');
      const gone = await store.createExperiment('gone');
      await store.deleteExperiment(gone);
      // 3.x's SQL store raises INVALID_STATE (HTTP 500), read as a refusal; 2.x's file store crashes (an HTML 500).
      if (version.startsWith('3.')) await expectTrackingError(store.renameExperiment(gone, 'back'), 'INVALID_PARAMETER_VALUE');
      else await expectTrackingError(store.renameExperiment(gone, 'back'), 'INTERNAL_ERROR', /answered HTTP 500 .*not an MLflow JSON error/);
      const found = await store.searchExperiments({ filter: "name = 'wine'" });
      expect(found.items.map((e) => e.experimentId)).toEqual([id]);
    });

    it('records a run: params, metrics (NaN too), tags, status, search and history', async () => {
      const experimentId = await store.createExperiment('runs');
      const run = await store.createRun({ experimentId, userId: 'ann', startTime: 1_700_000_000_000, tags: [{ key: 'mlflow.source.type', value: 'PROJECT' }], runName: 'first' });
      const id = run.info.runId;
      expect(run.info).toMatchObject({ runName: 'first', status: 'RUNNING', endTime: null, artifactUri: `mlflow-artifacts:/${experimentId}/${id}/artifacts` });
      await store.logBatch(id, {
        params: [{ key: 'alpha', value: '0.5' }],
        metrics: [{ key: 'rmse', value: 0.8, timestamp: 1, step: 0 }, { key: 'rmse', value: 0.7, timestamp: 2, step: 1 }, { key: 'odd', value: Number.NaN, timestamp: 1, step: 0 }],
        tags: [{ key: 'k', value: 'v' }],
      });
      await store.logParam(id, { key: 'alpha', value: '0.5' });
      await expectTrackingError(store.logParam(id, { key: 'alpha', value: '0.6' }), 'INVALID_PARAMETER_VALUE', /Changing param values is not allowed/);
      await store.setTag(id, { key: 'k', value: 'w' });
      const info = await store.updateRun(id, { status: 'FINISHED', endTime: 1_700_000_000_500 });
      expect(info).toMatchObject({ status: 'FINISHED', endTime: 1_700_000_000_500 });
      const got = await store.getRun(id);
      expect(got.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
      expect(tagValue(got.data.tags, 'k')).toBe('w');
      expect(tagValue(got.data.tags, 'mlflow.runName')).toBe('first');
      expect(Object.fromEntries(got.data.metrics.map((m) => [m.key, m.value]))).toEqual({ rmse: 0.7, odd: Number.NaN });
      expect((await store.getMetricHistory(id, 'rmse')).items.map((m) => m.value)).toEqual([0.8, 0.7]);
      const search = await store.searchRuns({ experimentIds: [experimentId], filter: 'metrics.rmse < 0.75 and params.alpha = "0.5"' });
      expect(search.items.map((r) => r.info.runId)).toEqual([id]);
      await expectTrackingError(store.searchRuns({ experimentIds: [experimentId], filter: 'bogus.x = 1' }), 'INVALID_PARAMETER_VALUE');
      await store.deleteRun(id);
      expect((await store.getRun(id)).info.lifecycleStage).toBe('deleted');
      await expectTrackingError(store.getRun('0123456789abcdef0123456789abcdef'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('uploads, lists and downloads artifacts through the server', async () => {
      const run = await store.createRun({ experimentId: '0', userId: 'ann', startTime: Date.now(), tags: [] });
      const uri = run.info.artifactUri;
      await store.artifacts.upload(uri, 'logs/stdout.txt', 'hello\n');
      await store.artifacts.upload(uri, 'lock.txt', Buffer.from('numpy==2.0\n'));
      expect(await store.artifacts.list(uri)).toEqual([{ path: 'lock.txt', isDir: false, fileSize: 11 }, { path: 'logs', isDir: true }]);
      expect(await store.artifacts.list(uri, 'logs')).toEqual([{ path: 'logs/stdout.txt', isDir: false, fileSize: 6 }]);
      expect((await store.artifacts.download(uri, 'logs/stdout.txt')).toString()).toBe('hello\n');
      // 3.x answers 404 RESOURCE_DOES_NOT_EXIST; 2.x answers 500 INTERNAL_ERROR (retried, as by MLflow's client).
      if (version.startsWith('3.')) await expectTrackingError(store.artifacts.download(uri, 'missing.txt'), 'RESOURCE_DOES_NOT_EXIST');
      else await expectTrackingError(store.artifacts.download(uri, 'missing.txt'), 'INTERNAL_ERROR', /No such file or directory/);
    });

    if (version.startsWith('3.')) {
      it('creates, finalizes, tags, searches and deletes logged models', async () => {
        const experimentId = await store.createExperiment('models');
        const run = await store.createRun({ experimentId, userId: 'ann', startTime: Date.now(), tags: [] });
        const model = await store.createLoggedModel({ experimentId, name: 'model', sourceRunId: run.info.runId, params: [{ key: 'alpha', value: '0.5' }] });
        expect(model).toMatchObject({ experimentId, name: 'model', status: 'LOGGED_MODEL_PENDING', sourceRunId: run.info.runId, params: [{ key: 'alpha', value: '0.5' }] });
        expect(model.modelId).toMatch(/^m-[0-9a-f]{32}$/);
        expect((await store.finalizeLoggedModel(model.modelId, 'LOGGED_MODEL_READY')).status).toBe('LOGGED_MODEL_READY');
        await store.setLoggedModelTags(model.modelId, [{ key: 'stage', value: 'prod' }]);
        await store.logBatch(run.info.runId, { metrics: [{ key: 'acc', value: 0.9, timestamp: 1, step: 0, modelId: model.modelId }] });
        const got = await store.getLoggedModel(model.modelId);
        expect(got.tags).toEqual(expect.arrayContaining([{ key: 'stage', value: 'prod' }]));
        expect(got.metrics.map((m) => [m.key, m.value])).toEqual([['acc', 0.9]]);
        const found = await store.searchLoggedModels({ experimentIds: [experimentId], filter: "tags.stage = 'prod'" });
        expect(found.items.map((m) => m.modelId)).toEqual([model.modelId]);
        await store.deleteLoggedModel(model.modelId);
        await expectTrackingError(store.getLoggedModel(model.modelId), 'RESOURCE_DOES_NOT_EXIST');
        await expectTrackingError(store.getLoggedModel('m-00000000000000000000000000000000'), 'RESOURCE_DOES_NOT_EXIST');
      });
    } else {
      it('says that a 2.x server does not support logged models', async () => {
        await expectTrackingError(store.createLoggedModel({ experimentId: '0', name: 'm' }), 'NOT_IMPLEMENTED', /does not support logged models/);
        await expectTrackingError(store.searchLoggedModels({ experimentIds: ['0'] }), 'NOT_IMPLEMENTED', /does not support logged models/);
      });
    }
  });
}
