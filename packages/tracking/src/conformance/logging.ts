import { describe, expect, it } from 'vitest';
import type { Metric } from '../entities.js';
import { expectTrackingError, newRun, tagValue, useStore, type MakeStore } from './helpers.js';

const point = (value: number, timestamp: number, step: number, key = 'loss'): Metric => ({ key, value, timestamp, step });

/** Params, metrics, tags and log-batch: write-once params, duplicate points, latest metric, limits, key names. */
export function describeLogging(makeStore: MakeStore): void {
  describe('logging', () => {
    const h = useStore(makeStore);

    it('logs params write-once: the same value is a no-op, another value is refused', async () => {
      const { info } = await newRun(h.store);
      await h.store.logParam(info.runId, { key: 'alpha', value: '0.5' });
      await h.store.logParam(info.runId, { key: 'alpha', value: '0.5' });
      await expectTrackingError(h.store.logParam(info.runId, { key: 'alpha', value: '0.6' }), 'INVALID_PARAMETER_VALUE', /^Changing param values is not allowed/);
      await expectTrackingError(h.store.logBatch(info.runId, { params: [{ key: 'alpha', value: '1' }] }), 'INVALID_PARAMETER_VALUE', /Changing param values is not allowed/);
      expect((await h.store.getRun(info.runId)).data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    });

    it('refuses a batch with the same param key twice and truncates long values to 6000 characters', async () => {
      const { info } = await newRun(h.store);
      await expectTrackingError(
        h.store.logBatch(info.runId, { params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }] }),
        'INVALID_PARAMETER_VALUE', /Duplicate parameter keys/,
      );
      await h.store.logParam(info.runId, { key: 'long', value: 'x'.repeat(7000) });
      await h.store.logParam(info.runId, { key: 'long', value: 'x'.repeat(6500) });
      const [param] = (await h.store.getRun(info.runId)).data.params;
      expect(param?.value.length).toBe(6000);
    });

    it('drops duplicate metric points silently, within a batch and against history', async () => {
      const { info } = await newRun(h.store);
      await h.store.logBatch(info.runId, { metrics: [point(1, 10, 0), point(1, 10, 0), point(2, 20, 1)] });
      await h.store.logMetric(info.runId, point(1, 10, 0));
      await h.store.logMetric(info.runId, point(1.5, 10, 0));
      const history = await h.store.getMetricHistory(info.runId, 'loss');
      expect(history.items.map((m) => [m.value, m.timestamp, m.step])).toEqual([[1, 10, 0], [1.5, 10, 0], [2, 20, 1]]);
      expect((await h.store.getMetricHistory(info.runId, 'unknown')).items).toEqual([]);
    });

    it('reports the latest point per key by (step, timestamp, value), not by arrival', async () => {
      const { info } = await newRun(h.store);
      await h.store.logBatch(info.runId, { metrics: [point(5, 100, 3), point(9, 999, 2), point(7, 100, 3), point(6, 50, 3)] });
      await h.store.logMetric(info.runId, point(1, 1, 0, 'acc'));
      const metrics = (await h.store.getRun(info.runId)).data.metrics;
      expect(metrics.find((m) => m.key === 'loss')).toMatchObject({ value: 7, timestamp: 100, step: 3 });
      expect(metrics.find((m) => m.key === 'acc')).toMatchObject({ value: 1 });
    });

    it('keeps NaN and ±Infinity values', async () => {
      const { info } = await newRun(h.store);
      await h.store.logBatch(info.runId, {
        metrics: [point(Number.NaN, 1, 0, 'nan'), point(Number.NaN, 1, 0, 'nan'), point(Infinity, 1, 0, 'inf'), point(-Infinity, 1, 0, 'ninf')],
      });
      const nan = await h.store.getMetricHistory(info.runId, 'nan');
      expect(nan.items).toHaveLength(1);
      expect(Number.isNaN(nan.items[0]?.value)).toBe(true);
      const metrics = (await h.store.getRun(info.runId)).data.metrics;
      expect(metrics.find((m) => m.key === 'inf')?.value).toBe(Infinity);
      expect(metrics.find((m) => m.key === 'ninf')?.value).toBe(-Infinity);
    });

    it('pages metric history in (timestamp, step, value) order', async () => {
      const { info } = await newRun(h.store);
      await h.store.logBatch(info.runId, { metrics: Array.from({ length: 25 }, (_, i) => point(i, 1000 - i, i)) });
      const first = await h.store.getMetricHistory(info.runId, 'loss', { maxResults: 10 });
      expect(first.items).toHaveLength(10);
      expect(first.items[0]?.value).toBe(24);
      const seen = [...first.items];
      let token = first.nextPageToken;
      while (token !== undefined) {
        const page = await h.store.getMetricHistory(info.runId, 'loss', { maxResults: 10, pageToken: token });
        seen.push(...page.items);
        token = page.nextPageToken;
      }
      expect(seen.map((m) => m.value)).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
      await expectTrackingError(h.store.getMetricHistory(info.runId, 'loss', { pageToken: 'not a token' }), 'INVALID_PARAMETER_VALUE');
    });

    it('orders points of one timestamp and step by value, a NaN where 0 sorts (MLflow stores NaN as 0)', async () => {
      const { info } = await newRun(h.store);
      await h.store.logBatch(info.runId, { metrics: [1, Number.NaN, -1, 0, 2].map((v) => point(v, 5, 3)) });
      const values = (await h.store.getMetricHistory(info.runId, 'loss')).items.map((m) => m.value);
      expect(values).toEqual([-1, 0, Number.NaN, 1, 2]);
    });

    it('upserts tags (last wins within a batch) and deletes them', async () => {
      const { info } = await newRun(h.store);
      await h.store.setTag(info.runId, { key: 'k', value: '1' });
      await h.store.logBatch(info.runId, { tags: [{ key: 'k', value: '2' }, { key: 'k', value: '3' }] });
      expect(tagValue((await h.store.getRun(info.runId)).data.tags, 'k')).toBe('3');
      await h.store.deleteTag(info.runId, 'k');
      expect(tagValue((await h.store.getRun(info.runId)).data.tags, 'k')).toBeUndefined();
      await expectTrackingError(h.store.deleteTag(info.runId, 'k'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('enforces log-batch limits and writes nothing from a refused batch', async () => {
      const { info } = await newRun(h.store);
      const metrics = Array.from({ length: 1001 }, (_, i) => point(i, i, 0));
      await expectTrackingError(h.store.logBatch(info.runId, { metrics }), 'INVALID_PARAMETER_VALUE', /at most 1000/);
      const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: '1' }));
      await expectTrackingError(h.store.logBatch(info.runId, { params }), 'INVALID_PARAMETER_VALUE', /at most 100/);
      await expectTrackingError(
        h.store.logBatch(info.runId, { metrics: [point(1, 1, 0)], params: [{ key: 'ok', value: '1' }], tags: [{ key: '../bad', value: '' }] }),
        'INVALID_PARAMETER_VALUE',
      );
      const run = await h.store.getRun(info.runId);
      expect(run.data.metrics).toEqual([]);
      expect(run.data.params).toEqual([]);
    });

    it('validates key names and metric values', async () => {
      const { info } = await newRun(h.store);
      for (const key of ['', '../up', '/abs', 'a//b', 'a/./b', 'trailing/', 'bad*char', 'x'.repeat(251)]) {
        await expectTrackingError(h.store.logParam(info.runId, { key, value: '1' }), 'INVALID_PARAMETER_VALUE');
      }
      for (const key of ['ok', 'train/loss', 'a.b-c d:e', 'métrique_名']) {
        await h.store.logMetric(info.runId, point(1, 1, 0, key));
      }
      await expectTrackingError(h.store.logMetric(info.runId, point(1, -1, 0)), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.logMetric(info.runId, point(1, 1.5, 0)), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.logMetric('ffffffffffffffffffffffffffffffff', point(1, 1, 0)), 'RESOURCE_DOES_NOT_EXIST');
      expect((await h.store.getRun(info.runId)).data.metrics).toHaveLength(4);
    });
  });
}
