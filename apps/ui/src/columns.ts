// The runs table's columns: fixed attributes, then one per param key and one per latest-metric key
// found in the loaded runs. `order` is the `runs/search` order_by term that sorts by the column.
import { formatDuration, formatTime } from './dom.js';
import type { Run } from './api.js';

/** A runs-table column; `order` is its `runs/search` order_by term, '' when the server cannot sort by it. */
export interface Column { id: string; label: string; order: string; width: number; cell: (run: Run) => string }

const tag = (run: Run, key: string): string => run.data.tags?.find((t) => t.key === key)?.value ?? '';
const quote = (key: string): string => `\`${key.replace(/`/g, '')}\``;

const FIXED: Column[] = [
  { id: 'name', label: 'Name', order: 'attributes.run_name', width: 200, cell: (r) => r.info.run_name ?? tag(r, 'mlflow.runName') },
  { id: 'status', label: 'Status', order: 'attributes.status', width: 90, cell: (r) => r.info.status },
  { id: 'start', label: 'Start time', order: 'attributes.start_time', width: 170, cell: (r) => formatTime(r.info.start_time) },
  {
    // MLflow's search has no duration to order by (end_time is not the same order).
    id: 'duration', label: 'Duration', order: '', width: 90,
    cell: (r) => r.info.start_time ? formatDuration((r.info.end_time ? Number(r.info.end_time) : Date.now()) - Number(r.info.start_time)) : '',
  },
  { id: 'user', label: 'User', order: 'attributes.user_id', width: 100, cell: (r) => r.info.user_id || tag(r, 'mlflow.user') },
  { id: 'source', label: 'Source', order: 'tags.`mlflow.source.name`', width: 180, cell: (r) => tag(r, 'mlflow.source.name') },
];

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(6)).toString();
}

/** The columns for `runs`, param and metric keys in sorted order. */
export function columnsFor(runs: Run[]): Column[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    for (const p of run.data.params ?? []) params.add(p.key);
    for (const m of run.data.metrics ?? []) metrics.add(m.key);
  }
  return [
    ...FIXED,
    ...[...params].sort().map((key): Column => ({
      id: `param:${key}`, label: key, order: `params.${quote(key)}`, width: 110,
      cell: (r) => r.data.params?.find((p) => p.key === key)?.value ?? '',
    })),
    ...[...metrics].sort().map((key): Column => ({
      id: `metric:${key}`, label: key, order: `metrics.${quote(key)}`, width: 110,
      cell: (r) => {
        const m = r.data.metrics?.find((x) => x.key === key);
        return m === undefined ? '' : formatValue(m.value);
      },
    })),
  ];
}

const storageKey = (experimentId: string): string => `mlproject.ui.columns.${experimentId}`;

/**
 * The param/metric column IDs hidden in experiment `experimentId`'s runs table, from localStorage
 * (hidden rather than shown, so columns for keys logged later appear by default).
 */
export function hiddenColumns(experimentId: string): Set<string> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey(experimentId)) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

export function saveHiddenColumns(experimentId: string, hidden: Set<string>): void {
  try {
    localStorage.setItem(storageKey(experimentId), JSON.stringify([...hidden].sort()));
  } catch {
    // Storage full or disabled: the choice lasts for this page only.
  }
}
