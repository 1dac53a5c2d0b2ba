import { describe, expect, it } from 'vitest';
import { expectTrackingError, newRun, useStore, type MakeStore } from './helpers.js';

/** MLflow 3 logged models: create, get, finalize, delete, tags, params, model metrics, search. */
export function describeLoggedModels(makeStore: MakeStore): void {
  describe('logged models', () => {
    const h = useStore(makeStore);

    it('creates a PENDING model with an m- ID and an artifact URI under the experiment', async () => {
      const exp = await h.store.createExperiment('models');
      const run = await newRun(h.store, { experimentId: exp });
      const model = await h.store.createLoggedModel({
        experimentId: exp, name: 'model', sourceRunId: run.info.runId, modelType: 'sklearn',
        params: [{ key: 'alpha', value: '0.5' }], tags: [{ key: 'mlflow.source.type', value: 'LOCAL' }],
      });
      expect(model.modelId).toMatch(/^m-[0-9a-f]{32}$/);
      const location = (await h.store.getExperiment(exp)).artifactLocation.replace(/\/$/, '');
      expect(model).toMatchObject({
        experimentId: exp, name: 'model', status: 'LOGGED_MODEL_PENDING', sourceRunId: run.info.runId, modelType: 'sklearn',
        artifactUri: `${location}/models/${model.modelId}/artifacts`, lifecycleStage: 'active',
        params: [{ key: 'alpha', value: '0.5' }], tags: [{ key: 'mlflow.source.type', value: 'LOCAL' }], metrics: [],
      });
      expect(await h.store.getLoggedModel(model.modelId)).toEqual(model);
      const unnamed = await h.store.createLoggedModel({ experimentId: exp });
      expect(unnamed.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    });

    it('refuses bad names, unknown and deleted experiments', async () => {
      const exp = await h.store.createExperiment('models');
      for (const name of ['', 'a/b', 'a.b', 'a:b', 'a%b', "a'b", 'a"b']) {
        await expectTrackingError(h.store.createLoggedModel({ experimentId: exp, name }), 'INVALID_PARAMETER_VALUE');
      }
      await expectTrackingError(h.store.createLoggedModel({ experimentId: '31337' }), 'RESOURCE_DOES_NOT_EXIST');
      await h.store.deleteExperiment(exp);
      await expectTrackingError(h.store.createLoggedModel({ experimentId: exp }), 'INVALID_PARAMETER_VALUE');
    });

    it('finalizes, tags, adds params and soft-deletes', async () => {
      const model = await h.store.createLoggedModel({ experimentId: '0', name: 'm' });
      const ready = await h.store.finalizeLoggedModel(model.modelId, 'LOGGED_MODEL_READY');
      expect(ready.status).toBe('LOGGED_MODEL_READY');
      expect(ready.lastUpdatedTimestampMs).toBeGreaterThanOrEqual(model.lastUpdatedTimestampMs);
      await h.store.setLoggedModelTags(model.modelId, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
      await h.store.setLoggedModelTags(model.modelId, [{ key: 'a', value: '3' }]);
      await h.store.deleteLoggedModelTag(model.modelId, 'b');
      await expectTrackingError(h.store.deleteLoggedModelTag(model.modelId, 'b'), 'RESOURCE_DOES_NOT_EXIST');
      await h.store.logLoggedModelParams(model.modelId, [{ key: 'p', value: 'x' }]);
      const got = await h.store.getLoggedModel(model.modelId);
      expect(got.tags).toEqual([{ key: 'a', value: '3' }]);
      expect(got.params).toEqual([{ key: 'p', value: 'x' }]);
      await h.store.deleteLoggedModel(model.modelId);
      await expectTrackingError(h.store.getLoggedModel(model.modelId), 'RESOURCE_DOES_NOT_EXIST');
      expect((await h.store.getLoggedModel(model.modelId, { allowDeleted: true })).lifecycleStage).toBe('deleted');
      await expectTrackingError(h.store.getLoggedModel('m-00000000000000000000000000000000'), 'RESOURCE_DOES_NOT_EXIST');
      await expectTrackingError(h.store.finalizeLoggedModel('m-00000000000000000000000000000000', 'LOGGED_MODEL_READY'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('records metrics logged with a model ID as the model metrics, without duplicating run history', async () => {
      const run = await newRun(h.store);
      const id = run.info.runId;
      const model = await h.store.createLoggedModel({ experimentId: '0', name: 'm', sourceRunId: id });
      const rmse = { key: 'rmse', value: 0.79, timestamp: 1000, step: 0 };
      await h.store.logMetric(id, rmse);
      // What MLflow 3's Model.log does: re-log the run's step-0 points with the model ID.
      await h.store.logBatch(id, { metrics: [{ ...rmse, modelId: model.modelId }] });
      await h.store.logBatch(id, { metrics: [{ ...rmse, modelId: model.modelId }] });
      expect((await h.store.getMetricHistory(id, 'rmse')).items).toHaveLength(1);
      const got = await h.store.getLoggedModel(model.modelId);
      expect(got.metrics).toEqual([{ ...rmse, modelId: model.modelId, runId: id }]);
      await expectTrackingError(h.store.logBatch(id, { metrics: [{ ...rmse, modelId: 'm-ffffffffffffffffffffffffffffffff' }] }), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('searches models by experiment, filter and order, skipping deleted ones', async () => {
      const exp = await h.store.createExperiment('models');
      const make = async (name: string): Promise<string> => (await h.store.createLoggedModel({ experimentId: exp, name })).modelId;
      const a = await make('alpha');
      const b = await make('beta');
      const c = await make('gamma');
      await h.store.finalizeLoggedModel(b, 'LOGGED_MODEL_READY');
      await h.store.setLoggedModelTags(c, [{ key: 'stage', value: 'prod' }]);
      await h.store.deleteLoggedModel(a);
      await h.store.createLoggedModel({ experimentId: '0', name: 'elsewhere' });
      const byName = await h.store.searchLoggedModels({ experimentIds: [exp], orderBy: [{ fieldName: 'name', ascending: false }] });
      expect(byName.items.map((m) => m.name)).toEqual(['gamma', 'beta']);
      const ready = await h.store.searchLoggedModels({ experimentIds: [exp], filter: "status = 'LOGGED_MODEL_READY'" });
      expect(ready.items.map((m) => m.modelId)).toEqual([b]);
      const tagged = await h.store.searchLoggedModels({ experimentIds: [exp], filter: "tags.stage = 'prod'" });
      expect(tagged.items.map((m) => m.modelId)).toEqual([c]);
      const page = await h.store.searchLoggedModels({ experimentIds: [exp], maxResults: 1, orderBy: [{ fieldName: 'name' }] });
      expect(page.items.map((m) => m.name)).toEqual(['beta']);
      const next = await h.store.searchLoggedModels({ experimentIds: [exp], maxResults: 1, orderBy: [{ fieldName: 'name' }], pageToken: page.nextPageToken ?? '' });
      expect(next.items.map((m) => m.name)).toEqual(['gamma']);
      const run = await newRun(h.store, { experimentId: exp });
      await h.store.logBatch(run.info.runId, { metrics: [{ key: 'acc', value: 0.9, timestamp: 1, step: 0, modelId: b }, { key: 'acc', value: 0.4, timestamp: 1, step: 0, modelId: c }] });
      const accurate = await h.store.searchLoggedModels({ experimentIds: [exp], filter: 'metrics.acc > 0.5' });
      expect(accurate.items.map((m) => m.modelId)).toEqual([b]);
      const byMetric = await h.store.searchLoggedModels({ experimentIds: [exp], orderBy: [{ fieldName: 'metrics.acc', ascending: true }] });
      expect(byMetric.items.map((m) => m.modelId)).toEqual([c, b]);
      await expectTrackingError(h.store.searchLoggedModels({ experimentIds: [exp], filter: 'bogus.x = 1' }), 'INVALID_PARAMETER_VALUE');
    });
  });
}
