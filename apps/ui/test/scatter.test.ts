// The scatter's data: which runs become points, in what x order, and categories for text params.
import { describe, expect, it } from 'vitest';
import type { Run } from '../src/api.js';
import { scatterData } from '../src/scatter.js';

const run = (id: string, params: Record<string, string>, metrics: Record<string, number>): Run => ({
  info: { run_id: id, experiment_id: '0', status: 'FINISHED' },
  data: {
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
  },
});

describe('scatterData', () => {
  it('plots numeric params against a metric sorted by x, leaving out runs lacking either value', () => {
    const data = scatterData([
      run('a', { alpha: '0.8' }, { r2: 0.41 }),
      run('b', { alpha: '0.01' }, { r2: 0.45 }),
      run('c', { alpha: '0.3' }, {}),
      run('d', {}, { r2: 0.2 }),
      run('e', { alpha: '0.3' }, { r2: 0.44 }),
    ], { x: 'param:alpha', y: 'metric:r2' });
    expect(data.categories).toBeNull();
    expect(data.xs).toEqual([0.01, 0.3, 0.8]);
    expect(data.ys).toEqual([0.45, 0.44, 0.41]);
    expect(data.runs.map((r) => r.info.run_id)).toEqual(['b', 'e', 'a']);
  });

  it('turns a text param into sorted categories', () => {
    const data = scatterData([
      run('a', { solver: 'sgd' }, { loss: 2 }),
      run('b', { solver: 'adam' }, { loss: 1 }),
      run('c', { solver: 'sgd' }, { loss: 3 }),
    ], { x: 'param:solver', y: 'metric:loss' });
    expect(data.categories).toEqual(['adam', 'sgd']);
    expect(data.xs).toEqual([0, 1, 1]);
    expect(data.ys).toEqual([1, 2, 3]);
  });

  it('plots one metric against another', () => {
    const data = scatterData([run('a', {}, { rmse: 2, r2: 0.1 }), run('b', {}, { rmse: 1, r2: 0.5 })], { x: 'metric:rmse', y: 'metric:r2' });
    expect(data.xs).toEqual([1, 2]);
    expect(data.ys).toEqual([0.5, 0.1]);
  });
});
