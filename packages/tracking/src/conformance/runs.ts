import { describe, expect, it } from 'vitest';
import { expectTrackingError, newRun, tagValue, useStore, type MakeStore } from './helpers.js';

/** Runs: creation, names and the `mlflow.runName` tag, updates, lifecycle, writes to deleted runs, inputs/outputs. */
export function describeRuns(makeStore: MakeStore): void {
  describe('runs', () => {
    const h = useStore(makeStore);

    it('creates a RUNNING active run with a 32-hex ID, a random name and an artifact URI under the experiment', async () => {
      const exp = await h.store.createExperiment('runs');
      const run = await newRun(h.store, { experimentId: exp, startTime: 1234, tags: [{ key: 'mlflow.user', value: 'ann' }] });
      expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/);
      expect(run.info).toMatchObject({ experimentId: exp, status: 'RUNNING', lifecycleStage: 'active', startTime: 1234, endTime: null, userId: 'tester' });
      expect(run.info.runName).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
      expect(run.info.runName.length).toBeLessThanOrEqual(20);
      expect(tagValue(run.data.tags, 'mlflow.runName')).toBe(run.info.runName);
      expect(tagValue(run.data.tags, 'mlflow.user')).toBe('ann');
      const location = (await h.store.getExperiment(exp)).artifactLocation;
      expect(run.info.artifactUri).toBe(`${location.replace(/\/$/, '')}/${run.info.runId}/artifacts`);
      expect(run.inputs).toEqual({ datasetInputs: [], modelInputs: [] });
      expect(run.outputs).toEqual({ modelOutputs: [] });
      expect(await h.store.getRun(run.info.runId)).toEqual(run);
    });

    it('takes the name from runName, else from the mlflow.runName tag, and refuses a disagreement', async () => {
      const byArg = await newRun(h.store, { runName: 'by-arg' });
      expect(byArg.info.runName).toBe('by-arg');
      expect(tagValue(byArg.data.tags, 'mlflow.runName')).toBe('by-arg');
      const byTag = await newRun(h.store, { tags: [{ key: 'mlflow.runName', value: 'by-tag' }] });
      expect(byTag.info.runName).toBe('by-tag');
      const both = await newRun(h.store, { runName: 'same', tags: [{ key: 'mlflow.runName', value: 'same' }] });
      expect(both.info.runName).toBe('same');
      await expectTrackingError(newRun(h.store, { runName: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }), 'INVALID_PARAMETER_VALUE');
    });

    it('refuses runs in unknown experiments', async () => {
      await expectTrackingError(newRun(h.store, { experimentId: '424242' }), 'RESOURCE_DOES_NOT_EXIST');
      await expectTrackingError(h.store.getRun('0123456789abcdef0123456789abcdef'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('updates only the given fields, with no status transition rules', async () => {
      const run = await newRun(h.store);
      const id = run.info.runId;
      let info = await h.store.updateRun(id, { status: 'FINISHED', endTime: 5000 });
      expect(info).toMatchObject({ status: 'FINISHED', endTime: 5000, runName: run.info.runName });
      info = await h.store.updateRun(id, { status: 'RUNNING' });
      expect(info).toMatchObject({ status: 'RUNNING', endTime: 5000 });
      info = await h.store.updateRun(id, { runName: 'renamed' });
      expect(info.runName).toBe('renamed');
      expect(tagValue((await h.store.getRun(id)).data.tags, 'mlflow.runName')).toBe('renamed');
    });

    it('keeps the name and the mlflow.runName tag in step', async () => {
      const run = await newRun(h.store);
      const id = run.info.runId;
      await h.store.setTag(id, { key: 'mlflow.runName', value: 'via-tag' });
      expect((await h.store.getRun(id)).info.runName).toBe('via-tag');
      await h.store.logBatch(id, { tags: [{ key: 'mlflow.runName', value: 'via-batch' }] });
      expect((await h.store.getRun(id)).info.runName).toBe('via-batch');
      await h.store.deleteTag(id, 'mlflow.runName');
      const after = await h.store.getRun(id);
      expect(after.info.runName).toBe('via-batch');
      expect(tagValue(after.data.tags, 'mlflow.runName')).toBeUndefined();
    });

    it('soft-deletes and restores runs; deleted runs stay readable', async () => {
      const run = await newRun(h.store);
      await h.store.deleteRun(run.info.runId);
      expect((await h.store.getRun(run.info.runId)).info.lifecycleStage).toBe('deleted');
      await h.store.restoreRun(run.info.runId);
      expect((await h.store.getRun(run.info.runId)).info.lifecycleStage).toBe('active');
      await expectTrackingError(h.store.deleteRun('ffffffffffffffffffffffffffffffff'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('refuses every write to a deleted run with INVALID_PARAMETER_VALUE', async () => {
      const run = await newRun(h.store);
      const id = run.info.runId;
      await h.store.setTag(id, { key: 't', value: 'v' });
      await h.store.deleteRun(id);
      const metric = { key: 'm', value: 1, timestamp: 1, step: 0 };
      await expectTrackingError(h.store.updateRun(id, { status: 'FINISHED' }), 'INVALID_PARAMETER_VALUE', /active/);
      await expectTrackingError(h.store.logMetric(id, metric), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.logParam(id, { key: 'p', value: '1' }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.setTag(id, { key: 't', value: 'w' }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.deleteTag(id, 't'), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.logBatch(id, { metrics: [metric] }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.logInputs(id, { models: [{ modelId: 'm-1' }] }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.logOutputs(id, [{ modelId: 'm-1', step: 0 }]), 'INVALID_PARAMETER_VALUE');
      expect((await h.store.getMetricHistory(id, 'm')).items).toEqual([]);
    });

    it('records dataset inputs, model inputs and model outputs without duplicates', async () => {
      const run = await newRun(h.store);
      const id = run.info.runId;
      const dataset = { name: 'wine', digest: 'abc123', sourceType: 'local', source: '{"uri": "wine.csv"}', schema: '{}' };
      const input = { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset };
      await h.store.logInputs(id, { datasets: [input], models: [{ modelId: 'm-abc' }] });
      await h.store.logInputs(id, { datasets: [input], models: [{ modelId: 'm-abc' }] });
      await h.store.logOutputs(id, [{ modelId: 'm-out', step: 0 }]);
      await h.store.logOutputs(id, [{ modelId: 'm-out', step: 0 }, { modelId: 'm-out', step: 3 }]);
      const got = await h.store.getRun(id);
      expect(got.inputs.datasetInputs).toEqual([input]);
      expect(got.inputs.modelInputs).toEqual([{ modelId: 'm-abc' }]);
      expect(got.outputs.modelOutputs).toEqual([{ modelId: 'm-out', step: 0 }, { modelId: 'm-out', step: 3 }]);
      await expectTrackingError(h.store.logInputs(id, { datasets: [{ tags: [], dataset: { ...dataset, digest: 'x'.repeat(37) } }] }), 'INVALID_PARAMETER_VALUE');
    });
  });
}
