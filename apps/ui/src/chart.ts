// One metric's history as a uPlot line chart, x = step or wall time (the URL does not keep the
// choice yet).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Metric } from './api.js';

/** Draws `history` into `root`; returns a function that frees the chart. */
export function renderMetricChart(root: HTMLElement, key: string, history: Metric[], xAxis: 'step' | 'time' = 'step'): () => void {
  const points = [...history].sort((a, b) => (xAxis === 'step' ? a.step - b.step || a.timestamp - b.timestamp : a.timestamp - b.timestamp));
  const xs = points.map((m) => (xAxis === 'step' ? Number(m.step) : Number(m.timestamp) / 1000));
  const ys = points.map((m) => Number(m.value));
  const width = Math.max(320, Math.min(root.clientWidth || 800, 1100));
  const plot = new uPlot({
    width, height: 300, title: key,
    scales: { x: { time: xAxis === 'time' } },
    axes: [{ label: xAxis === 'step' ? 'step' : 'time' }, { label: key }],
    series: [{ label: xAxis }, { label: key, stroke: '#2a6fdb', width: 1.5, points: { show: points.length < 200 } }],
  }, [xs, ys], root);
  return () => plot.destroy();
}
