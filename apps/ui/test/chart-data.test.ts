// What a metric chart draws: histories aligned on one x, NaN/±Infinity as gaps, smoothing over the
// finite values only, log scale, and the line shown instead of an empty chart.
import { describe, expect, it } from 'vitest';
import type { Metric } from '../src/api.js';
import { align, emptyReason, plotted, type Series } from '../src/chart-data.js';
import { DEFAULT_CHART, smooth, type ChartOptions } from '../src/chart-options.js';

const history = (values: number[], from = 0): Metric[] => values.map((value, i) => ({ key: 'loss', value, step: from + i, timestamp: 1000 * (from + i) }));
const options = (more: Partial<ChartOptions> = {}): ChartOptions => ({ ...DEFAULT_CHART, metrics: ['loss'], ...more });

describe('align', () => {
  it('puts NaN and ±Infinity as null (a gap) and a step another series lacks as undefined (stepped over)', () => {
    const [xs, a, b] = align([
      { label: 'a', history: history([1, 0.8, Number.NaN, 0.5, Number.POSITIVE_INFINITY, 0.3]) },
      { label: 'b', history: history([2, Number.NEGATIVE_INFINITY], 5) },
    ], 'step');
    expect(xs).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(a).toEqual([1, 0.8, null, 0.5, null, 0.3, undefined]);
    expect(b).toEqual([undefined, undefined, undefined, undefined, undefined, 2, null]);
  });

  it('keeps the last logged point of a step, and uses seconds for x = time', () => {
    const points: Metric[] = [
      { key: 'k', value: 1, step: 0, timestamp: 2000 },
      { key: 'k', value: 9, step: 0, timestamp: 1000 },
    ];
    expect(align([{ label: 'k', history: points }], 'step')).toEqual([[0], [1]]);
    expect(align([{ label: 'k', history: points }], 'time')).toEqual([[1, 2], [9, 1]]);
  });
});

describe('smooth and plotted', () => {
  it('smooths over finite values only: gaps stay in place and do not reset the average', () => {
    const out = smooth([1, null, 3, undefined, Number.NaN, 5], 0.5);
    expect(out[1]).toBeNull();
    expect(out[3]).toBeUndefined();
    expect(out[4]).toBeNaN();
    // Debiased EMA of 1, 3, 5 with weight 0.5: 1, 2.333..., 3.857...
    expect(out[0]).toBeCloseTo(1);
    expect(out[2]).toBeCloseTo(7 / 3);
    expect(out[5]).toBeCloseTo(27 / 7);
    expect(smooth([1, 2], 0)).toEqual([1, 2]);
  });

  it('makes values <= 0 gaps on a log scale, after smoothing', () => {
    expect(plotted([2, 0, -1, null, undefined, 1], { log: true, smoothing: 0 })).toEqual([2, null, null, null, undefined, 1]);
    expect(plotted([2, 0, -1], { log: false, smoothing: 0 })).toEqual([2, 0, -1]);
  });
});

describe('emptyReason', () => {
  const reason = (series: Series[], more: Partial<ChartOptions> = {}): string | null => {
    const [, ...columns] = align(series, 'step');
    return emptyReason(series, columns.map((c) => plotted(c, options(more))), options(more));
  };

  it('is null when one value can be drawn', () => {
    expect(reason([{ label: 'loss', history: history([Number.NaN, 1]) }])).toBeNull();
    expect(reason([{ label: 'loss', history: history([-1, 1]) }], { log: true })).toBeNull();
  });

  it('names an unknown metric, all-NaN values, nothing above 0 on a log scale, and no metric chosen', () => {
    expect(reason([{ label: 'nope', history: [] }], { metrics: ['nope'] })).toBe('No points logged for nope.');
    expect(reason([{ label: 'loss', history: history([Number.NaN, Number.POSITIVE_INFINITY]) }])).toBe('Nothing to draw: every value of loss is NaN or ±Infinity.');
    expect(reason([{ label: 'loss', history: history([-1, 0]) }], { log: true })).toBe('Nothing to draw on a log scale: no value of loss is above 0. Untick log y to see them.');
    expect(reason([], { metrics: [] })).toBe('Tick a metric to chart its history.');
  });
});
