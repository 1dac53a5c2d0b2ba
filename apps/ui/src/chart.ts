// Metric histories as one uPlot line chart: any number of series (several metrics of one run, or
// one metric of several runs), x = step or wall time, linear or log y, optional EMA smoothing.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Metric } from './api.js';
import { smooth, type ChartOptions } from './chart-options.js';

export interface Series { label: string; history: Metric[] }

const COLOURS = ['#2a6fdb', '#d9480f', '#107c41', '#9c36b5', '#c92a2a', '#0b7285', '#e67700', '#5c940d'];

/** Series on a shared x (the union of their x values; a series without a point there is null). */
export function align(series: Series[], x: ChartOptions['x']): [number[], ...(number | null)[][]] {
  const at = (m: Metric): number => (x === 'step' ? Number(m.step) : Number(m.timestamp) / 1000);
  const xs = [...new Set(series.flatMap((s) => s.history.map(at)))].sort((a, b) => a - b);
  const index = new Map(xs.map((v, i) => [v, i]));
  const ys = series.map((s) => {
    const column: (number | null)[] = xs.map(() => null);
    const points = [...s.history].sort((a, b) => at(a) - at(b) || a.timestamp - b.timestamp);
    for (const m of points) column[index.get(at(m)) as number] = Number(m.value);
    return column;
  });
  return [xs, ...ys];
}

/** Draws `series` into `root` under `title`; returns a function that frees the chart. */
export function renderChart(root: HTMLElement, title: string, series: Series[], options: ChartOptions): () => void {
  const [xs, ...raw] = align(series, options.x);
  // A log scale cannot show values <= 0: they become gaps.
  const ys = raw.map((col) => smooth(col, options.smoothing).map((v) => (options.log && v !== null && v <= 0 ? null : v)));
  const width = Math.max(320, Math.min(root.clientWidth || 800, 1100));
  const plot = new uPlot({
    width, height: 300, title,
    scales: { x: { time: options.x === 'time' }, y: options.log ? { distr: 3 } : {} },
    axes: [{ label: options.x }, { label: title }],
    series: [
      { label: options.x },
      ...series.map((s, i) => ({
        label: s.label, stroke: COLOURS[i % COLOURS.length] as string, width: 1.5, spanGaps: true,
        points: { show: xs.length < 200 },
      })),
    ],
  }, [xs, ...ys] as uPlot.AlignedData, root);
  return () => plot.destroy();
}
