// The data a metric chart draws, without the DOM: histories aligned on one x, values that cannot be
// drawn turned into gaps, smoothing and log scale applied, and the one line shown instead of a chart
// with nothing to draw. Unit-tested in Node (test/chart-data.test.ts).
import type { Metric } from './api.js';
import { smooth, type ChartOptions } from './chart-options.js';

export interface Series { label: string; history: Metric[] }

/**
 * One y value per x. uPlot reads the two empty values differently: `undefined` (the series has no
 * point at this x, another series has) is stepped over and the line goes on; `null` (a value
 * that cannot be drawn: NaN, ±Infinity, or <= 0 on a log scale) breaks the line there.
 */
export type Column = (number | null | undefined)[];

/**
 * `series` on a shared x: the sorted union of their steps (or timestamps in seconds for
 * x = time). Of several points at one x the last logged wins. Non-finite values become null.
 */
export function align(series: Series[], x: ChartOptions['x']): [number[], ...Column[]] {
  const at = (m: Metric): number => (x === 'step' ? Number(m.step) : Number(m.timestamp) / 1000);
  const xs = [...new Set(series.flatMap((s) => s.history.map(at)))].sort((a, b) => a - b);
  const index = new Map(xs.map((v, i) => [v, i]));
  const ys = series.map((s) => {
    const column: Column = new Array<undefined>(xs.length).fill(undefined);
    const points = [...s.history].sort((a, b) => at(a) - at(b) || a.timestamp - b.timestamp);
    for (const m of points) {
      const value = Number(m.value);
      column[index.get(at(m)) as number] = Number.isFinite(value) ? value : null;
    }
    return column;
  });
  return [xs, ...ys];
}

/** What is drawn of one aligned column: smoothed over its finite values, and <= 0 a gap on a log scale. */
export function plotted(column: Column, options: Pick<ChartOptions, 'log' | 'smoothing'>): Column {
  const smoothed = smooth(column, options.smoothing);
  return options.log ? smoothed.map((v) => (typeof v === 'number' && v <= 0 ? null : v)) : smoothed;
}

/**
 * Why a chart of `columns` (as {@link plotted} returns them) would be empty, as one line to show
 * instead of it; null when at least one value can be drawn. `series` are the histories drawn.
 */
export function emptyReason(series: Series[], columns: Column[], options: ChartOptions): string | null {
  if (options.metrics.length === 0) return 'Tick a metric to chart its history.';
  if (columns.some((column) => column.some((v) => typeof v === 'number'))) return null;
  const keys = options.metrics.join(', ');
  if (series.every((s) => s.history.length === 0)) return `No points logged for ${keys}.`;
  const finite = series.flatMap((s) => s.history.map((m) => Number(m.value))).filter(Number.isFinite);
  if (finite.length === 0) return `Nothing to draw: every value of ${keys} is NaN or ±Infinity.`;
  if (options.log) return `Nothing to draw on a log scale: no value of ${keys} is above 0. Untick log y to see them.`;
  return `Nothing to draw for ${keys}.`;
}
