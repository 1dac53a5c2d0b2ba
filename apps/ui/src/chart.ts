// Metric histories as one uPlot line chart: any number of series (several metrics of one run, or
// one metric of several runs), x = step or wall time, linear or log y, optional EMA smoothing.
// Values that cannot be drawn (NaN, ±Infinity, <= 0 on a log scale) are gaps in the line; a chart
// with nothing to draw is one line of text instead (chart-data.ts).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { align, emptyReason, plotted, type Series } from './chart-data.js';
import type { ChartOptions } from './chart-options.js';
import { h } from './dom.js';

export type { Series } from './chart-data.js';

const COLOURS = ['#2a6fdb', '#d9480f', '#107c41', '#9c36b5', '#c92a2a', '#0b7285', '#e67700', '#5c940d'];
const HEIGHT = 300;

export interface ChartView {
  /**
   * Draws `series` under `title` in place of what was drawn: the same uPlot gets the new data when
   * only the data changed (a live run), a new one replaces it otherwise; never a blank frame between.
   */
  draw(title: string, series: Series[], options: ChartOptions): void;
  /** Destroys the uPlot. */
  free(): void;
}

/**
 * A chart in `root` (initially empty). After each draw `root` carries `data-state` (`drawn` or
 * `empty`) and, when drawn, `data-points` (x values) and `data-y-min` / `data-y-max` (the y scale
 * of uPlot's last frame): what a test can check without reading the canvas.
 */
export function chartView(root: HTMLElement): ChartView {
  let plot: uPlot | null = null;
  let shape = '';

  const free = (): void => {
    plot?.destroy();
    plot = null;
    shape = '';
  };

  const draw = (title: string, series: Series[], options: ChartOptions): void => {
    const [xs, ...raw] = align(series, options.x);
    const ys = raw.map((column) => plotted(column, options));
    const reason = emptyReason(series, ys, options);
    if (reason !== null) {
      free();
      root.replaceChildren(h('p', { class: 'muted chart-empty' }, reason));
      root.dataset['state'] = 'empty';
      return;
    }
    const data = [xs, ...ys] as uPlot.AlignedData;
    const next = JSON.stringify([title, options.x, options.log, series.map((s) => s.label), xs.length < 200]);
    if (plot !== null && next === shape) {
      plot.setData(data);
    } else {
      const width = Math.max(320, Math.min(root.clientWidth || 800, 1100));
      const old = plot;
      plot = new uPlot({
        width, height: HEIGHT, title,
        scales: { x: { time: options.x === 'time' }, y: options.log ? { distr: 3 } : {} },
        axes: [{ label: options.x }, { label: title }],
        series: [
          { label: options.x },
          ...series.map((s, i) => ({
            label: s.label, stroke: COLOURS[i % COLOURS.length] as string, width: 1.5,
            // undefined (no point of this series at an x) is stepped over; null (not drawable) is a gap.
            spanGaps: false,
            points: { show: xs.length < 200 },
          })),
        ],
        hooks: { draw: [(u) => {
          root.dataset['yMin'] = String(u.scales['y']?.min);
          root.dataset['yMax'] = String(u.scales['y']?.max);
        }] },
      }, data, (u, init) => {
        // The new chart takes the old one's place in one go: the page does not shrink and jump.
        if (old === null) root.replaceChildren(u.root);
        else old.root.replaceWith(u.root);
        init();
      });
      old?.destroy();
      shape = next;
    }
    root.dataset['state'] = 'drawn';
    root.dataset['points'] = String(xs.length);
  };

  return { draw, free };
}
