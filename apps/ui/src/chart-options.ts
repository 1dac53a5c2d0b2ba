// The chart choices a run page or compare page keeps in its URL: which metrics, x = step or wall
// time, log-scale y, and exponential-moving-average smoothing (0 = none .. 0.99 = heavy).
import { h } from './dom.js';

export interface ChartOptions { metrics: string[]; x: 'step' | 'time'; log: boolean; smoothing: number }

export const DEFAULT_CHART: ChartOptions = { metrics: [], x: 'step', log: false, smoothing: 0 };

/** Reads `metric` (repeatable), `x`, `log`, `smooth` from a route's query. */
export function chartOptionsFrom(query: URLSearchParams): ChartOptions {
  const smoothing = Number(query.get('smooth') ?? 0);
  return {
    metrics: query.getAll('metric').filter(Boolean),
    x: query.get('x') === 'time' ? 'time' : 'step',
    log: query.get('log') === '1',
    smoothing: Number.isFinite(smoothing) ? Math.min(0.99, Math.max(0, smoothing)) : 0,
  };
}

/** The query terms for `options`, defaults left out. */
export function chartOptionsTo(options: ChartOptions): URLSearchParams {
  const query = new URLSearchParams();
  for (const key of options.metrics) query.append('metric', key);
  if (options.x === 'time') query.set('x', 'time');
  if (options.log) query.set('log', '1');
  if (options.smoothing > 0) query.set('smooth', String(options.smoothing));
  return query;
}

/**
 * Exponential moving average with weight `smoothing` on the previous value (TensorBoard's, with its
 * debiasing so the first points are not pulled towards 0). Nulls stay null and do not break the run.
 */
export function smooth(values: (number | null)[], smoothing: number): (number | null)[] {
  if (smoothing <= 0) return values;
  let last = 0;
  let weight = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * smoothing + (1 - smoothing) * v;
    weight = weight * smoothing + (1 - smoothing);
    return last / weight;
  });
}

/**
 * The controls for `options`: one checkbox per metric key, x axis, log y, smoothing slider.
 * `change` gets the new options (the caller puts them in the URL).
 */
export function chartControls(keys: string[], options: ChartOptions, change: (next: ChartOptions) => void): HTMLElement {
  const metricBoxes = keys.map((key) => {
    const box = h('input', { type: 'checkbox', 'data-metric': key });
    box.checked = options.metrics.includes(key);
    box.addEventListener('change', () => {
      const metrics = keys.filter((k) => (k === key ? box.checked : options.metrics.includes(k)));
      change({ ...options, metrics });
    });
    return h('label', { class: 'metric-choice' }, box, ` ${key}`);
  });
  const x = h('select', { 'aria-label': 'x axis', class: 'x-axis' }, h('option', { value: 'step' }, 'step'), h('option', { value: 'time' }, 'time'));
  x.value = options.x;
  x.addEventListener('change', () => change({ ...options, x: x.value === 'time' ? 'time' : 'step' }));
  const log = h('input', { type: 'checkbox', class: 'log-y' });
  log.checked = options.log;
  log.addEventListener('change', () => change({ ...options, log: log.checked }));
  const slider = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', class: 'smoothing', 'aria-label': 'smoothing' });
  slider.value = String(options.smoothing);
  const shown = h('span', { class: 'muted' }, options.smoothing.toFixed(2));
  slider.addEventListener('input', () => { shown.textContent = Number(slider.value).toFixed(2); });
  slider.addEventListener('change', () => change({ ...options, smoothing: Number(slider.value) }));
  return h('div', { class: 'chart-controls' },
    h('div', { class: 'metric-choices' }, ...metricBoxes),
    h('label', {}, 'x: ', x), h('label', {}, log, ' log y'), h('label', {}, 'smoothing ', slider, ' ', shown));
}

/**
 * The metric a chart shows when the URL names none: the one with the most steps (the latest
 * point's step, e.g. a loss logged every epoch rather than a final score), ties broken by name.
 * [] when there are no metrics.
 */
export function preferredMetrics(latest: { key: string; step: number }[]): string[] {
  const best = [...latest].sort((a, b) => Number(b.step) - Number(a.step) || a.key.localeCompare(b.key))[0];
  return best === undefined ? [] : [best.key];
}
