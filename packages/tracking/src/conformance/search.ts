import { describe, expect, it } from 'vitest';
import type { TrackingStore } from '../store.js';
import { expectTrackingError, newRun, useStore, type MakeStore } from './helpers.js';

interface Fixture {
  exp: string;
  /** Run IDs by name: a (oldest) .. d (newest). */
  ids: Record<'a' | 'b' | 'c' | 'd', string>;
}

/** Four runs with overlapping metrics, params and tags; d lacks most keys. */
async function fixture(store: TrackingStore): Promise<Fixture> {
  const exp = await store.createExperiment('search');
  const make = async (name: string, startTime: number): Promise<string> =>
    (await newRun(store, { experimentId: exp, runName: name, startTime })).info.runId;
  const ids = { a: await make('run-a', 1000), b: await make('run-b', 2000), c: await make('Run-C', 3000), d: await make('run-d', 4000) };
  await store.logBatch(ids.a, { metrics: [{ key: 'rmse', value: 0.5, timestamp: 1, step: 0 }], params: [{ key: 'alpha', value: '0.1' }], tags: [{ key: 'team', value: 'Vision' }] });
  await store.logBatch(ids.b, { metrics: [{ key: 'rmse', value: 0.9, timestamp: 1, step: 0 }, { key: 'rmse', value: 0.2, timestamp: 2, step: 1 }], params: [{ key: 'alpha', value: '0.5' }], tags: [{ key: 'team', value: 'vision' }] });
  await store.logBatch(ids.c, { metrics: [{ key: 'rmse', value: Number.NaN, timestamp: 1, step: 0 }], params: [{ key: 'alpha', value: '0.9' }], tags: [{ key: 'team', value: 'nlp' }] });
  await store.updateRun(ids.d, { status: 'FINISHED', endTime: 5000 });
  return { exp, ids };
}

async function names(store: TrackingStore, exp: string, filter: string, orderBy?: string[]): Promise<string[]> {
  const page = await store.searchRuns({ experimentIds: [exp], filter, ...(orderBy ? { orderBy } : {}) });
  return page.items.map((r) => r.info.runName);
}

/** searchRuns and searchExperiments: the filter grammar, ordering (missing last), view types and paging. */
export function describeSearch(makeStore: MakeStore): void {
  describe('search', () => {
    const h = useStore(makeStore);

    it('orders runs by start_time DESC by default and filters by metrics, params, tags and attributes', async () => {
      const { exp, ids } = await fixture(h.store);
      const s = h.store;
      expect(await names(s, exp, '')).toEqual(['run-d', 'Run-C', 'run-b', 'run-a']);
      expect(await names(s, exp, 'metrics.rmse < 0.6')).toEqual(['run-b', 'run-a']);
      expect(await names(s, exp, 'metrics.rmse >= 0.5 and params.alpha = "0.1"')).toEqual(['run-a']);
      expect(await names(s, exp, "params.alpha != '0.1'")).toEqual(['Run-C', 'run-b']);
      expect(await names(s, exp, "tags.team LIKE 'v%'")).toEqual(['run-b']);
      expect(await names(s, exp, "tags.team ILIKE 'v%'")).toEqual(['run-b', 'run-a']);
      expect(await names(s, exp, "tags.team IS NULL")).toEqual(['run-d']);
      expect(await names(s, exp, "params.alpha IS NOT NULL AND tags.`team` = 'nlp'")).toEqual(['Run-C']);
      expect(await names(s, exp, "attributes.status = 'FINISHED'")).toEqual(['run-d']);
      expect(await names(s, exp, 'attributes.end_time > 0')).toEqual(['run-d']);
      expect(await names(s, exp, "attributes.run_name ILIKE 'run-c'")).toEqual(['Run-C']);
      expect(await names(s, exp, "tags.mlflow.runName = 'run-b'")).toEqual(['run-b']);
      expect(await names(s, exp, 'created >= 2000 AND start_time < 4000')).toEqual(['Run-C', 'run-b']);
      expect(await names(s, exp, `attributes.run_id IN ('${ids.a}', '${ids.d}')`)).toEqual(['run-d', 'run-a']);
      expect(await names(s, exp, `run_id NOT IN ('${ids.a}')`)).toEqual(['run-d', 'Run-C', 'run-b']);
    });

    it('sorts by metrics, params and attributes with missing values (and NaN) last', async () => {
      const { exp } = await fixture(h.store);
      expect(await names(h.store, exp, '', ['metrics.rmse ASC'])).toEqual(['run-b', 'run-a', 'Run-C', 'run-d']);
      expect(await names(h.store, exp, '', ['metrics.rmse DESC'])).toEqual(['run-a', 'run-b', 'Run-C', 'run-d']);
      expect(await names(h.store, exp, '', ['params.alpha DESC'])).toEqual(['Run-C', 'run-b', 'run-a', 'run-d']);
      expect(await names(h.store, exp, '', ['attributes.start_time'])).toEqual(['run-a', 'run-b', 'Run-C', 'run-d']);
      expect(await names(h.store, exp, '', ['end_time DESC'])).toEqual(['run-d', 'Run-C', 'run-b', 'run-a']);
    });

    it('agrees with mlflow server 3.17.2 on doubled quotes, a trailing AND, and NaN under !=', async () => {
      const { exp } = await fixture(h.store);
      const s = h.store;
      const byName = new Map((await s.searchRuns({ experimentIds: [exp] })).items.map((r) => [r.info.runName, r.info.runId]));
      await s.logParam(byName.get('run-a') ?? '', { key: 'q', value: "it''s" });
      await s.logParam(byName.get('run-d') ?? '', { key: 'q', value: "it's" });
      // MLflow strips the quotes only: 'it''s' is the text it''s, not it's.
      expect(await names(s, exp, "params.q = 'it''s'")).toEqual(['run-a']);
      expect(await names(s, exp, 'params.q = "it\'s"')).toEqual(['run-d']);
      expect(await names(s, exp, "params.q LIKE 'it''%'")).toEqual(['run-a']);
      expect(await names(s, exp, "params.alpha = '0.1' and")).toEqual(['run-a']);
      expect(await names(s, exp, "params.alpha = '0.1' AND ")).toEqual(['run-a']);
      // NaN (run C) compares false with everything, so != holds; a run without the metric never matches.
      expect(await names(s, exp, 'metrics.rmse != 0.5')).toEqual(['Run-C', 'run-b']);
      expect(await names(s, exp, 'metrics.rmse = 0')).toEqual([]);
      expect(await names(s, exp, 'metrics.rmse <= 0.5')).toEqual(['run-b', 'run-a']);
      const model = async (name: string, value: number): Promise<string> => {
        const id = (await s.createLoggedModel({ experimentId: exp, name })).modelId;
        await s.logBatch(byName.get('run-a') ?? '', { metrics: [{ key: 'acc', value, timestamp: 1, step: 0, modelId: id }] });
        return id;
      };
      const nan = await model('nan', Number.NaN);
      await model('half', 0.5);
      const models = async (filter: string): Promise<string[]> => (await s.searchLoggedModels({ experimentIds: [exp], filter })).items.map((m) => m.modelId);
      expect(await models('metrics.acc != 0.5')).toEqual([nan]);
      expect(await models('metrics.acc < 1')).toHaveLength(1);
    });

    it('refuses bad filters and order_by with INVALID_PARAMETER_VALUE', async () => {
      const { exp } = await fixture(h.store);
      const bad = [
        "params.alpha = '1' OR params.alpha = '2'", 'metrics.rmse > "1"', 'params.alpha = 1', 'metric.rmse LIKE 1',
        'foo.bar = 1', "attributes.lifecycle_stage = 'x'", "params.alpha = 'unterminated", '(metrics.a > 1)',
        "tags.t = 'a'; tags.t = 'b'", 'metrics.rmse >', "attributes.status IN ('RUNNING')",
      ];
      for (const filter of bad) await expectTrackingError(h.store.searchRuns({ experimentIds: [exp], filter }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.searchRuns({ experimentIds: [exp], orderBy: ['metrics.a', 'metrics.a DESC'] }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.searchRuns({ experimentIds: [exp], orderBy: ['start_time SIDEWAYS'] }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.searchRuns({ experimentIds: [exp], maxResults: 50001 }), 'INVALID_PARAMETER_VALUE');
    });

    it('pages runs with opaque tokens and honours the view type', async () => {
      const { exp, ids } = await fixture(h.store);
      const first = await h.store.searchRuns({ experimentIds: [exp], maxResults: 3 });
      expect(first.items).toHaveLength(3);
      expect(first.nextPageToken).toBeTruthy();
      const second = await h.store.searchRuns({ experimentIds: [exp], maxResults: 3, pageToken: first.nextPageToken ?? '' });
      expect(second.items.map((r) => r.info.runName)).toEqual(['run-a']);
      expect(second.nextPageToken).toBeUndefined();
      await h.store.deleteRun(ids.b);
      expect(await names(h.store, exp, '')).toEqual(['run-d', 'Run-C', 'run-a']);
      const deleted = await h.store.searchRuns({ experimentIds: [exp], viewType: 'DELETED_ONLY' });
      expect(deleted.items.map((r) => r.info.runId)).toEqual([ids.b]);
      expect((await h.store.searchRuns({ experimentIds: [exp], viewType: 'ALL' })).items).toHaveLength(4);
      expect((await h.store.searchRuns({ experimentIds: [exp, '0'] })).items).toHaveLength(3);
      const full = (await h.store.searchRuns({ experimentIds: [exp], filter: `run_id = '${ids.a}'` })).items[0];
      expect(full).toEqual(await h.store.getRun(ids.a));
    });

    it('filters runs by their dataset inputs (name, digest, context; any input matches)', async () => {
      const { exp, ids } = await fixture(h.store);
      const input = (name: string, context: string) => ({
        tags: [{ key: 'mlflow.data.context', value: context }],
        dataset: { name, digest: `d-${name}`, sourceType: 'local', source: '{}' },
      });
      await h.store.logInputs(ids.a, { datasets: [input('wine', 'training'), input('wine-test', 'eval')] });
      await h.store.logInputs(ids.b, { datasets: [input('iris', 'training')] });
      expect(await names(h.store, exp, "datasets.name = 'wine'")).toEqual(['run-a']);
      expect(await names(h.store, exp, "datasets.context = 'training'")).toEqual(['run-b', 'run-a']);
      expect(await names(h.store, exp, "datasets.digest IN ('d-iris', 'd-none')")).toEqual(['run-b']);
      expect(await names(h.store, exp, "datasets.name LIKE 'wine-%' AND datasets.context = 'eval'")).toEqual(['run-a']);
    });

    it('searches experiments by name and tags, with view types, ordering and paging', async () => {
      const s = h.store;
      const ids: string[] = [];
      for (const name of ['exp-a', 'exp-b', 'other']) ids.push(await s.createExperiment(name, undefined, [{ key: 'kind', value: name.slice(0, 3) }]));
      await s.deleteExperiment(ids[2] ?? '');
      const active = await s.searchExperiments({});
      expect(active.items.map((e) => e.name).sort()).toEqual(['Default', 'exp-a', 'exp-b']);
      expect((await s.searchExperiments({ viewType: 'DELETED_ONLY' })).items.map((e) => e.name)).toEqual(['other']);
      expect((await s.searchExperiments({ viewType: 'ALL', filter: "tags.kind = 'oth'" })).items.map((e) => e.name)).toEqual(['other']);
      expect((await s.searchExperiments({ filter: "name LIKE 'exp-%'", orderBy: ['name DESC'] })).items.map((e) => e.name)).toEqual(['exp-b', 'exp-a']);
      expect((await s.searchExperiments({ filter: 'tags.kind IS NULL' })).items.map((e) => e.name)).toEqual(['Default']);
      const page1 = await s.searchExperiments({ maxResults: 2, orderBy: ['name'] });
      expect(page1.items.map((e) => e.name)).toEqual(['Default', 'exp-a']);
      const page2 = await s.searchExperiments({ maxResults: 2, orderBy: ['name'], pageToken: page1.nextPageToken ?? '' });
      expect(page2.items.map((e) => e.name)).toEqual(['exp-b']);
      await expectTrackingError(s.searchExperiments({ filter: "attributes.name = 'x'" }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(s.searchExperiments({ orderBy: ['tags.kind'] }), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(s.searchExperiments({ maxResults: 0 }), 'INVALID_PARAMETER_VALUE');
    });
  });
}
