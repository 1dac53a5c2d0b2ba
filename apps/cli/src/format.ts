import Table from 'cli-table3';
import type { Metric, Run } from '@mlproject/tracking';
import type { RunDetails } from '@mlproject/runner';

function time(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function duration(run: Run): string {
  if (run.info.endTime === null) return '';
  return `${((run.info.endTime - run.info.startTime) / 1000).toFixed(1)}s`;
}

function metricValue(metric: Metric): string {
  return Number.isFinite(metric.value) ? String(metric.value) : String(metric.value);
}

function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  t.push(...rows);
  return t.toString();
}

/** The `runs list` table: one line per run. */
export function formatRunList(runs: Run[]): string {
  if (runs.length === 0) return 'No runs.';
  return table(
    ['run ID', 'name', 'experiment', 'status', 'start time', 'duration'],
    runs.map((r) => [r.info.runId, r.info.runName, r.info.experimentId, r.info.status, time(r.info.startTime), duration(r)]),
  );
}

/** The `runs show` report: info, params, metrics, tags and files. */
export function formatRunDetails(details: RunDetails): string {
  const { run } = details;
  const sections: string[] = [];
  sections.push(table(['run', ''], [
    ['run ID', run.info.runId], ['name', run.info.runName], ['experiment ID', run.info.experimentId],
    ['status', run.info.status], ['start time', time(run.info.startTime)], ['end time', time(run.info.endTime)],
    ['duration', duration(run)], ['artifact URI', run.info.artifactUri],
  ]));
  sections.push(table(['param', 'value'], run.data.params.map((p) => [p.key, p.value])));
  sections.push(table(['metric', 'value', 'step'], run.data.metrics.map((m) => [m.key, metricValue(m), String(m.step)])));
  sections.push(table(['tag', 'value'], run.data.tags.map((t) => [t.key, t.value])));
  const files: string[][] = details.artifacts.map((f) => [f.path, String(f.size)]);
  for (const { model, files: modelFiles } of details.models) {
    for (const f of modelFiles) files.push([`models/${model.name} (${model.modelId})/${f.path}`, String(f.size)]);
  }
  sections.push(files.length === 0 ? 'No artifacts.' : table(['artifact', 'bytes'], files));
  return sections.join('\n');
}
