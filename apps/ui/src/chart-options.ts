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
 * debiasing so the first points are not pulled towards 0). Only finite values are smoothed and
 * move the average; anything else (null, undefined, NaN, ±Infinity) stays as it is in its place.
 */
export function smooth<T extends number | null | undefined>(values: T[], smoothing: number): (number | T)[] {
  if (smoothing <= 0) return values;
  let last = 0;
  let weight = 0;
  return values.map((v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return v;
    last = last * smoothing + (1 - smoothing) * v;
    weight = weight * smoothing + (1 - smoothing);
    return last / weight;
  });
}

export interface ChartControls {
  element: HTMLElement;
  /** Shows `options` (e.g. a metric chosen elsewhere on the page) without calling `change`. */
  set(options: ChartOptions): void;
  /** Offers these metric keys (a live run logged a new one); the ticked ones stay ticked. */
  setKeys(keys: string[]): void;
}

/**
 * The controls for `options`: one checkbox per metric key, x axis, log y, smoothing slider.
 * `change` gets the new options after each change (the caller redraws the chart and keeps them in
 * the URL); the controls themselves stay, so focus and keyboard use carry on.
 */
export function chartControls(keys: string[], options: ChartOptions, change: (next: ChartOptions) => void): ChartControls {
  let current = options;
  let offered = keys;
  const update = (next: ChartOptions): void => {
    current = next;
    change(next);
  };
  const choices = h('div', { class: 'metric-choices' });
  const metricBox = (key: string): HTMLElement => {
    const box = h('input', { type: 'checkbox', 'data-metric': key });
    box.checked = current.metrics.includes(key);
    box.addEventListener('change', () => {
      const metrics = offered.filter((k) => (k === key ? box.checked : current.metrics.includes(k)));
      update({ ...current, metrics });
    });
    return h('label', { class: 'metric-choice' }, box, ` ${key}`);
  };
  const x = h('select', { 'aria-label': 'x axis', class: 'x-axis' }, h('option', { value: 'step' }, 'step'), h('option', { value: 'time' }, 'time'));
  x.addEventListener('change', () => update({ ...current, x: x.value === 'time' ? 'time' : 'step' }));
  const log = h('input', { type: 'checkbox', class: 'log-y' });
  log.addEventListener('change', () => update({ ...current, log: log.checked }));
  const slider = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', class: 'smoothing', 'aria-label': 'smoothing' });
  const shown = h('span', { class: 'muted smoothing-value' });
  slider.addEventListener('input', () => { shown.textContent = Number(slider.value).toFixed(2); });
  slider.addEventListener('change', () => update({ ...current, smoothing: Number(slider.value) }));
  const set = (next: ChartOptions): void => {
    current = next;
    for (const box of choices.querySelectorAll<HTMLInputElement>('input[data-metric]')) box.checked = next.metrics.includes(box.dataset['metric'] ?? '');
    x.value = next.x;
    log.checked = next.log;
    slider.value = String(next.smoothing);
    shown.textContent = next.smoothing.toFixed(2);
  };
  const setKeys = (next: string[]): void => {
    offered = next;
    choices.replaceChildren(...next.map(metricBox));
  };
  setKeys(keys);
  set(options);
  return {
    element: h('div', { class: 'chart-controls' },
      choices, h('label', {}, 'x: ', x), h('label', {}, log, ' log y'), h('label', {}, 'smoothing ', slider, ' ', shown)),
    set,
    setKeys,
  };
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
