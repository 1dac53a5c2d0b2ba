// The chart block of the run and compare pages: the controls (chart-options.ts) over one chart
// (chart.ts). A change of the controls redraws the chart in place and hands the new options to the
// page, which keeps them in the URL with history.replaceState: no new history entry, no hashchange,
// so the page is not rendered again, keeps its scroll position and the control keeps the focus. A
// cold load of that URL draws the same chart.
import { chartView, type Series } from './chart.js';
import { chartControls, type ChartOptions } from './chart-options.js';
import { errorBox, h } from './dom.js';

export interface MetricChartConfig {
  /** The metric keys the controls offer. */
  keys: string[];
  /** What to draw first (its metrics already chosen). */
  options: ChartOptions;
  /** The series to draw for `options` (one per chosen metric, or per run and metric). */
  series(options: ChartOptions): Promise<Series[]>;
  /** Called after every change with the new options, to keep them in the URL. */
  keep(options: ChartOptions): void;
}

export interface MetricChart {
  element: HTMLElement;
  /** The options drawn now. */
  options(): ChartOptions;
  /** Changes the options as the controls would (e.g. a metric chosen in a table): shown, kept, drawn. */
  choose(options: ChartOptions): Promise<void>;
  /** Offers these metric keys (a live run logged a new one). */
  setKeys(keys: string[]): void;
  /** Reads the series again and draws them (a live run's new points); resolves once drawn. */
  redraw(): Promise<void>;
  free(): void;
}

/** The controls and chart of `config`; call `redraw()` once to draw it. */
export function metricChart(config: MetricChartConfig): MetricChart {
  let options = config.options;
  let ticket = 0;
  const box = h('div', { class: 'chart' });
  const view = chartView(box);
  const redraw = async (): Promise<void> => {
    const mine = ++ticket;
    const drawing = options;
    try {
      const series = await config.series(drawing);
      // A later change won: its draw is on its way.
      if (mine === ticket) view.draw(drawing.metrics.join(', '), series, drawing);
    } catch (error) {
      if (mine !== ticket) return;
      view.free();
      box.replaceChildren(errorBox(error));
      box.dataset['state'] = 'failed';
    }
  };
  const change = (next: ChartOptions): Promise<void> => {
    options = next;
    config.keep(next);
    return redraw();
  };
  const controls = chartControls(config.keys, options, (next) => void change(next));
  return {
    element: h('div', { class: 'metric-chart' }, controls.element, box),
    options: () => options,
    choose: (next) => {
      controls.set(next);
      return change(next);
    },
    setKeys: (keys) => controls.setKeys(keys),
    redraw,
    free: () => {
      ticket += 1;
      view.free();
    },
  };
}
