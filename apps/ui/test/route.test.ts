// The pure parts of the UI: hash routes round-trip (so shared URLs rebuild the page) and EMA smoothing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHART, preferredMetrics, smooth } from '../src/chart-options.js';
import { formatRoute, parseRoute } from '../src/route.js';

describe('routes', () => {
  it('opens MLflow run links and survives broken percent-encoding', () => {
    expect(parseRoute('#/experiments/2/runs/abc123')).toEqual({ page: 'run', runId: 'abc123', chart: DEFAULT_CHART });
    expect(parseRoute('#/experiments/2/runs/abc123/artifacts/model')).toMatchObject({ page: 'run', runId: 'abc123' });
    expect(parseRoute('#/runs/%E0%A4%A')).toMatchObject({ page: 'run', runId: '%E0%A4%A' });
    expect(parseRoute('#/experiments/%ZZ')).toMatchObject({ page: 'runs', experimentId: '%ZZ' });
  });

  it('round-trips a runs route with its filter, order, selection and scatter', () => {
    const route = { page: 'runs' as const, experimentId: '7', filter: "metrics.r2 > 0.4 and params.alpha = '0.8'", order: 'metrics.`r2` ASC', selected: ['a1', 'b2'], scatter: { x: 'param:alpha', y: 'metric:r2' } };
    const hash = formatRoute(route);
    expect(parseRoute(hash)).toEqual(route);
    expect(formatRoute({ page: 'runs', experimentId: '7', filter: '', order: 'attributes.start_time DESC' })).toBe('#/experiments/7');
  });

  it('round-trips a compare route with its chart options', () => {
    const route = { page: 'compare' as const, runIds: ['a1', 'b2'], chart: { metrics: ['rmse', 'loss'], x: 'time' as const, log: true, smoothing: 0.6 } };
    const hash = formatRoute(route);
    expect(hash).toBe('#/compare?runs=a1%2Cb2&metric=rmse&metric=loss&x=time&log=1&smooth=0.6');
    expect(parseRoute(hash)).toEqual(route);
  });

  it('leaves default chart options out of a run URL and clamps a bad smoothing', () => {
    expect(formatRoute({ page: 'run', runId: 'r1', chart: DEFAULT_CHART })).toBe('#/runs/r1');
    expect(parseRoute('#/runs/r1?metric=rmse&smooth=5')).toEqual({ page: 'run', runId: 'r1', chart: { metrics: ['rmse'], x: 'step', log: false, smoothing: 0.99 } });
    expect(parseRoute('#/compare')).toEqual({ page: 'compare', runIds: [], chart: DEFAULT_CHART });
  });
});

describe('smooth', () => {
  it('is the identity at 0 and a debiased EMA otherwise, keeping gaps', () => {
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const out = smooth([2, null, 4], 0.5);
    expect(out[0]).toBeCloseTo(2);
    expect(out[1]).toBeNull();
    // (0.5 * 1 + 0.5 * 4) / (0.5 * 0.5 + 0.5) = 2.5 / 0.75
    expect(out[2]).toBeCloseTo(2.5 / 0.75);
  });
});

describe('preferredMetrics', () => {
  it('picks the metric with the most steps, then by name', () => {
    expect(preferredMetrics([{ key: 'r2_score', step: 0 }, { key: 'val_rmse', step: 99 }, { key: 'mae', step: 0 }])).toEqual(['val_rmse']);
    expect(preferredMetrics([{ key: 'rmse', step: 0 }, { key: 'mae', step: 0 }])).toEqual(['mae']);
    expect(preferredMetrics([])).toEqual([]);
  });
});
