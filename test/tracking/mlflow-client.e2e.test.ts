import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Run, TrackingStore } from '@mlproject/tracking';
import { createTrackingServer, listArtifactFiles, type TrackingServer } from '@mlproject/tracking-server';
import { MLFLOW_VERSIONS, mlflowPython, runClientScript, type ClientScriptResult } from '../../packages/tracking-server/test/python-env.js';
import { STORE_CASES } from './stores.js';

const fixtures = fileURLToPath(new URL('../../packages/tracking-server/test/fixtures/', import.meta.url));
const tag = (run: Run, key: string): string | undefined => run.data.tags.find((t) => t.key === key)?.value;
const metric = (run: Run, key: string) => run.data.metrics.find((m) => m.key === key);

const cases = MLFLOW_VERSIONS.flatMap((version) => STORE_CASES.map((storeCase) => ({ version, storeCase })));

for (const { version: mlflowVersion, storeCase } of cases) {
const title = `the real mlflow ${mlflowVersion} Python client against the tracking server over ${storeCase.title}`;
(storeCase.skip ? describe.skip : describe)(title, () => {
  const mlflow3 = Number(mlflowVersion.split('.')[0]) >= 3;
  let python: string;
  let dir: string;
  let store: TrackingStore;
  let closeStore: () => Promise<void>;
  let server: TrackingServer;
  let log: { method: string; url: string; status: number }[];

  beforeAll(async () => {
    const started = Date.now();
    python = await mlflowPython(mlflowVersion, (line) => console.log(`[e2e] ${line}`));
    console.log(`[e2e] python with mlflow ${mlflowVersion} ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${python}`);
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlproject-e2e-'));
    ({ store, close: closeStore } = await storeCase.open(dir));
    log = [];
    server = await createTrackingServer({ store, artifactsDestination: join(dir, 'artifacts'), onResponse: (e) => log.push(e) });
  });

  afterEach(async () => {
    await server.close();
    await closeStore();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a fixture with the real client; the child gets no MLFLOW_* variable but those given. */
  function runScript(script: string, args: string[], extraEnv: Record<string, string> = {}): Promise<ClientScriptResult> {
    return runClientScript(python, join(fixtures, script), args, { cwd: dir, trackingUri: server.url, extraEnv, resultFile: `${script}.json` });
  }

  /** No 5xx at all, and no 404 except the lookups whose 404 the client expects. */
  function expectCleanServerLog(expected404: RegExp[]): void {
    const bad = log.filter((e) => e.status >= 500 || (e.status === 404 && !expected404.some((re) => re.test(e.url))));
    expect(bad, JSON.stringify(bad)).toEqual([]);
  }

  it('logs the tutorial run: params, metrics, tags, nested run, artifacts, sklearn model, load and predict, search', async () => {
    const out = await runScript('tutorial.py', []);
    console.log(`[e2e] mlflow ${mlflowVersion} tutorial.py: ${(out.ms / 1000).toFixed(1)} s, ${log.length} requests`);
    expect(out.code, out.stderr).toBe(0);
    const r = out.result ?? {};
    expect(r.mlflow_version).toBe(mlflowVersion);
    expect(r.prediction).toBeCloseTo(9, 6);
    expect(r.found).toEqual([r.run_id]);
    expect(r.listed).toEqual(mlflow3 ? ['notes.txt', 'plots'] : ['model', 'notes.txt', 'plots']);
    expect(r.listed_plots).toEqual(['plots/a.csv', 'plots/sub']);
    expect(r.downloaded_text).toBe('hello artifacts\n');
    expect(r.history).toEqual([[0, 0.9], [1, 0.7], [2, 0.5]]);
    expect(r.final_status).toBe('FINISHED');

    const experiment = await store.getExperimentByName('e2e-tutorial');
    expect(experiment?.experimentId).toBe(r.experiment_id);
    const parent = await store.getRun(String(r.run_id));
    expect(parent.info).toMatchObject({ experimentId: r.experiment_id, status: 'FINISHED', runName: 'parent' });
    expect(parent.info.endTime).toBeGreaterThanOrEqual(parent.info.startTime);
    expect(parent.data.params).toEqual([{ key: 'alpha', value: '0.5' }, { key: 'l1_ratio', value: '0.1' }, { key: 'solver', value: 'lbfgs' }]);
    expect(metric(parent, 'rmse')).toMatchObject({ value: 0.5, step: 2 });
    expect(metric(parent, 'r2')?.value).toBe(0.8);
    expect(Number.isNaN(metric(parent, 'nan_metric')?.value)).toBe(true);
    expect(tag(parent, 'stage')).toBe('e2e');
    expect(tag(parent, 'mlflow.source.type')).toBe('LOCAL');
    expect(tag(parent, 'mlflow.user')).toBeTruthy();

    const child = await store.getRun(String(r.child_id));
    expect(child.info).toMatchObject({ runName: 'child', status: 'FINISHED' });
    expect(tag(child, 'mlflow.parentRunId')).toBe(r.run_id);
    expect(metric(child, 'child_metric')?.value).toBe(1);

    expect((await store.getMetricHistory(parent.info.runId, 'rmse')).items).toHaveLength(3);

    const artifactsRoot = join(dir, 'artifacts');
    const runFiles = await listArtifactFiles(artifactsRoot, parent.info.artifactUri);
    expect(runFiles.map((f) => f.path).filter((p) => !p.startsWith('model/'))).toEqual(['notes.txt', 'plots/a.csv', 'plots/sub/b.bin']);
    expect(runFiles.find((f) => f.path === 'plots/sub/b.bin')?.size).toBe(256);
    let modelFiles: string[];
    if (mlflow3) {
      // MLflow 3: a logged model with its own artifact location, linked as the run's output.
      expect(r.model_status).toBe('READY');
      expect(parent.outputs.modelOutputs).toEqual([{ modelId: r.model_id, step: 0 }]);
      const model = await store.getLoggedModel(String(r.model_id));
      expect(model).toMatchObject({ status: 'LOGGED_MODEL_READY', sourceRunId: r.run_id, name: 'model' });
      expect(model.artifactUri).toBe(`mlflow-artifacts:/${String(r.experiment_id)}/models/${String(r.model_id)}/artifacts`);
      expect(model.params).toContainEqual({ key: 'alpha', value: '0.5' });
      expect(model.metrics.find((m) => m.key === 'rmse')).toMatchObject({ value: 0.9, step: 0, modelId: r.model_id });
      modelFiles = (await listArtifactFiles(artifactsRoot, model.artifactUri)).map((f) => f.path);
    } else {
      // MLflow 2: model files in the run's artifacts under model/, recorded by runs/log-model.
      const history = JSON.parse(tag(parent, 'mlflow.log-model.history') ?? '[]') as { artifact_path: string; run_id: string }[];
      expect(history.map((m) => [m.artifact_path, m.run_id])).toEqual([['model', r.run_id]]);
      modelFiles = runFiles.filter((f) => f.path.startsWith('model/')).map((f) => f.path.slice('model/'.length));
    }
    expect(modelFiles).toEqual(expect.arrayContaining(['MLmodel', 'requirements.txt', 'python_env.yaml']));
    expectCleanServerLog([/experiments\/get-by-name\?experiment_name=e2e-tutorial/]);
  });

  it('records mlflow.autolog() on scikit-learn fits, and search_runs filters and orders them', async () => {
    const out = await runScript('autolog.py', []);
    console.log(`[e2e] mlflow ${mlflowVersion} autolog.py over ${storeCase.name}: ${(out.ms / 1000).toFixed(1)} s, ${log.length} requests`);
    expect(out.code, out.stderr).toBe(0);
    const r = out.result as { run_ids: string[]; params: Record<string, string>; metric_keys: string[]; r2: number[]; best: string[]; models: string[]; artifacts: string[]; status: string[] };
    expect(r.status).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
    expect(r.params).toMatchObject({ alpha: '0.1', fit_intercept: 'True', solver: 'auto' });
    expect(r.metric_keys).toEqual(expect.arrayContaining(['training_r2_score', 'training_mean_squared_error', 'training_score']));
    // alpha 10 is filtered out; the other two come best r2 first.
    const expectedBest = r.run_ids.slice(0, 2).sort((a, b) => r.r2[r.run_ids.indexOf(b)]! - r.r2[r.run_ids.indexOf(a)]!);
    expect(r.best).toEqual(expectedBest);
    const stored = await store.getRun(r.run_ids[0]!);
    expect(stored.data.params).toContainEqual({ key: 'alpha', value: '0.1' });
    expect(stored.data.metrics.find((m) => m.key === 'training_r2_score')?.value).toBeCloseTo(r.r2[0]!, 12);
    expect(stored.data.tags).toContainEqual({ key: 'estimator_name', value: 'Ridge' });
    if (mlflow3) {
      expect(r.models).toHaveLength(3);
      const model = await store.getLoggedModel(r.models[0]!);
      expect(model.status).toBe('LOGGED_MODEL_READY');
      const files = (await listArtifactFiles(join(dir, 'artifacts'), model.artifactUri)).map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['MLmodel', 'requirements.txt']));
    } else {
      expect(r.artifacts).toEqual(['estimator.html', 'model']);
    }
    expectCleanServerLog([/experiments\/get-by-name\?experiment_name=e2e-autolog/]);
  });

  async function launcherRun(): Promise<{ experimentId: string; runId: string }> {
    const experimentId = await store.createExperiment('e2e-project');
    const run = await store.createRun({
      experimentId, userId: 'launcher', startTime: Date.now(),
      tags: [{ key: 'mlflow.source.type', value: 'PROJECT' }, { key: 'mlflow.project.entryPoint', value: 'main' }, { key: 'mlflow.user', value: 'launcher' }],
    });
    await store.logBatch(run.info.runId, { params: [{ key: 'alpha', value: '0.5' }] });
    return { experimentId, runId: run.info.runId };
  }

  it('resumes a run created by the launcher from MLFLOW_RUN_ID, as `mlflow run` children do', async () => {
    const { experimentId, runId } = await launcherRun();
    const out = await runScript('resume.py', [], { MLFLOW_RUN_ID: runId, MLFLOW_EXPERIMENT_ID: experimentId });
    console.log(`[e2e] mlflow ${mlflowVersion} resume.py: ${(out.ms / 1000).toFixed(1)} s, ${log.length} requests`);
    expect(out.code, out.stderr).toBe(0);
    expect(out.result).toEqual({ run_id: runId, experiment_id: experimentId, status_inside: 'RUNNING' });
    const run = await store.getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.endTime).not.toBeNull();
    expect(run.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    expect(metric(run, 'loss')).toMatchObject({ value: 0.25, step: 1 });
    expect(tag(run, 'resumed')).toBe('yes');
    expect(tag(run, 'mlflow.source.type')).toBe('PROJECT');
    expect((await store.searchRuns({ experimentIds: [experimentId] })).items).toHaveLength(1);
    expectCleanServerLog([]);
  });

  it('surfaces a changed param value in a resumed run as the client error, and the run ends FAILED', async () => {
    const { experimentId, runId } = await launcherRun();
    const out = await runScript('resume.py', ['conflict'], { MLFLOW_RUN_ID: runId, MLFLOW_EXPERIMENT_ID: experimentId });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/INVALID_PARAMETER_VALUE: Changing param values is not allowed/);
    const run = await store.getRun(runId);
    expect(run.info.status).toBe('FAILED');
    expect(run.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    expect(log.filter((e) => e.status >= 500)).toEqual([]);
  });
});
}
