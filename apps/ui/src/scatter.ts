// A scatter plot of one runs-table column against another across the loaded runs of an experiment
// (e.g. param `alpha` against metric `r2_score`), drawn with uPlot as points without lines. A param
// whose values are not all numbers is shown as categories (sorted, one tick each). Hovering names
// the run of the nearest point (by distance on screen, so points sharing an x value are told apart);
// clicking opens it.
import uPlot from 'uplot';
import type { Run } from './api.js';
import { h } from './dom.js';
import type { Scatter } from './route.js';

/** One point per run that has both values; `category` labels when x is categorical. */
export interface ScatterData { xs: number[]; ys: number[]; runs: Run[]; categories: string[] | null }

/** The raw value of column `id` (`param:<key>` or `metric:<key>`) for `run`, or undefined. */
export function columnValue(run: Run, id: string): string | number | undefined {
  if (id.startsWith('param:')) return run.data.params?.find((p) => p.key === id.slice(6))?.value;
  if (id.startsWith('metric:')) return run.data.metrics?.find((m) => m.key === id.slice(7))?.value;
  return undefined;
}

const numeric = (value: string | number): number => (typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value));

/**
 * The points of `scatter` over `runs`, sorted by x (uPlot needs ascending x): runs lacking either
 * value, or with a non-finite y, are left out. When some x value is not a number, x becomes the
 * index of the value among the sorted distinct values (`categories`).
 */
export function scatterData(runs: Run[], scatter: Scatter): ScatterData {
  const rows: { x: string | number; y: number; run: Run }[] = [];
  for (const run of runs) {
    const x = columnValue(run, scatter.x);
    const y = columnValue(run, scatter.y);
    if (x === undefined || y === undefined || !Number.isFinite(numeric(y))) continue;
    rows.push({ x, y: numeric(y), run });
  }
  const categorical = rows.some((r) => !Number.isFinite(numeric(r.x)));
  const categories = categorical ? [...new Set(rows.map((r) => String(r.x)))].sort() : null;
  const at = (x: string | number): number => (categories ? categories.indexOf(String(x)) : numeric(x));
  rows.sort((a, b) => at(a.x) - at(b.x) || a.y - b.y);
  return { xs: rows.map((r) => at(r.x)), ys: rows.map((r) => r.y), runs: rows.map((r) => r.run), categories };
}

const label = (id: string): string => id.replace(/^param:/, 'param ').replace(/^metric:/, 'metric ');
const runName = (run: Run): string => run.info.run_name ?? run.info.run_id;

/**
 * Draws the scatter of `scatter` over `runs` into `root`; `open(run)` is called when a point is
 * clicked. Returns a function that frees the chart.
 */
export function renderScatter(root: HTMLElement, runs: Run[], scatter: Scatter, open: (run: Run) => void): () => void {
  const data = scatterData(runs, scatter);
  if (data.xs.length === 0) {
    root.replaceChildren(h('p', { class: 'muted' }, `No run has both ${label(scatter.x)} and ${label(scatter.y)}.`));
    return () => {};
  }
  const hovered = h('div', { class: 'scatter-hover muted' }, `${data.xs.length} run${data.xs.length === 1 ? '' : 's'}; hover a point to name its run, click to open it`);
  const box = h('div', { class: 'scatter-plot' });
  root.replaceChildren(box, hovered);
  const categories = data.categories;
  const xAxis: uPlot.Axis = { label: label(scatter.x) };
  const xScale: uPlot.Scale = { time: false };
  if (categories) {
    xAxis.splits = () => categories.map((_, i) => i);
    // Long category names are cut so neighbouring ticks do not overprint (the hover names them whole).
    xAxis.values = (_u, splits) => splits.map((s) => {
      const name = categories[s] ?? '';
      return name.length > 18 ? `${name.slice(0, 17)}…` : name;
    });
    xScale.range = () => [-0.5, categories.length - 0.5];
  }
  let index: number | null = null;
  const marker = h('div', { class: 'scatter-marker' });
  const describe = (i: number): string => {
    const run = data.runs[i] as Run;
    const x = categories ? categories[data.xs[i] as number] : data.xs[i];
    return `${runName(run)}: ${label(scatter.x)} = ${x}, ${label(scatter.y)} = ${data.ys[i]}`;
  };
  const plot = new uPlot({
    width: Math.max(320, Math.min(root.clientWidth || 800, 900)), height: 280,
    scales: { x: xScale },
    axes: [xAxis, { label: label(scatter.y) }],
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    series: [{}, { label: label(scatter.y), stroke: '#2a6fdb', fill: '#2a6fdb55', paths: () => null, points: { show: true, size: 9, width: 1 } }],
  }, [data.xs, data.ys] as uPlot.AlignedData, box);
  plot.over.append(marker);
  // The nearest point to the pointer on screen (CSS px inside the plot area), within 16 px.
  plot.over.addEventListener('mousemove', (event: MouseEvent) => {
    let best = -1;
    let bestDistance = 16 * 16;
    for (let i = 0; i < data.xs.length; i += 1) {
      const dx = plot.valToPos(data.xs[i] as number, 'x') - event.offsetX;
      const dy = plot.valToPos(data.ys[i] as number, 'y') - event.offsetY;
      const distance = dx * dx + dy * dy;
      if (distance <= bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    index = best < 0 ? null : best;
    marker.style.display = index === null ? 'none' : 'block';
    if (index !== null) {
      marker.style.left = `${plot.valToPos(data.xs[index] as number, 'x')}px`;
      marker.style.top = `${plot.valToPos(data.ys[index] as number, 'y')}px`;
      hovered.textContent = describe(index);
    }
  });
  plot.over.addEventListener('mouseleave', () => {
    index = null;
    marker.style.display = 'none';
  });
  plot.over.addEventListener('click', () => {
    const run = index === null ? undefined : data.runs[index];
    if (run !== undefined) open(run);
  });
  return () => plot.destroy();
}
