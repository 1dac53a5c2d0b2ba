import Table from 'cli-table3';
import type { Run } from '@mlproject/tracking';
import type { RetryInfo, RunDetails } from '@mlproject/runner';

function time(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function duration(run: Run): string {
  if (run.info.endTime === null) return '';
  return `${((run.info.endTime - run.info.startTime) / 1000).toFixed(1)}s`;
}

/** Plain aligned columns (no borders), one line per row; `head` may be empty. */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({
    head,
    // Plain columns, like `docker ps`: easy to read and to grep.
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
      'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
  });
  t.push(...rows);
  return t.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}

/** The `runs list` table: one line per run. */
export function formatRunList(runs: Run[]): string {
  if (runs.length === 0) return 'No runs.';
  return table(
    ['RUN ID', 'NAME', 'EXPERIMENT', 'STATUS', 'START TIME', 'DURATION'],
    runs.map((r) => [r.info.runId, r.info.runName, r.info.experimentId, r.info.status, time(r.info.startTime), duration(r)]),
  );
}

/** The `runs show` report: info, params, metrics, tags (by key) and files; a deleted run says so first. */
export function formatRunDetails(details: RunDetails): string {
  const { run } = details;
  const deleted = run.info.lifecycleStage === 'deleted';
  const sections: string[] = deleted ? [`Run ${run.info.runId} is deleted.`] : [];
  sections.push(table([], [
    ['run ID', run.info.runId], ['name', run.info.runName], ['experiment ID', run.info.experimentId],
    ['status', deleted ? `${run.info.status} (deleted)` : run.info.status], ['start time', time(run.info.startTime)], ['end time', time(run.info.endTime)],
    ['duration', duration(run)], ['artifact URI', run.info.artifactUri], ['artifact dir', details.artifactDir ?? '(on the tracking server)'],
  ]));
  sections.push(table(['PARAM', 'VALUE'], run.data.params.map((p) => [p.key, p.value])));
  sections.push(table(['METRIC', 'VALUE', 'STEP'], run.data.metrics.map((m) => [m.key, String(m.value), String(m.step)])));
  // Sorted by key whatever order the store returns them in (a remote server's is its own).
  const tags = [...run.data.tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  sections.push(table(['TAG', 'VALUE'], tags.map((t) => [t.key, t.value])));
  const files: string[][] = details.artifacts.map((f) => [f.path, String(f.size)]);
  sections.push(files.length === 0 ? 'No run artifacts.' : table(['ARTIFACT', 'BYTES'], files));
  for (const { model, dir, files: modelFiles } of details.models) {
    sections.push(`model ${model.name} (${model.modelId}, ${model.status}) in ${dir ?? model.artifactUri}\n`
      + table(['FILE', 'BYTES'], modelFiles.map((f) => [f.path, String(f.size)])));
  }
  return sections.join('\n\n');
}

/**
 * The line `run` prints before each retry of a remote tracking server's request:
 * `mlproject: tracking server http://host:5000 unreachable (ECONNREFUSED); retry 2 of 7 in 4 s`.
 */
export function formatRetry(info: RetryInfo): string {
  const what = info.reason.startsWith('HTTP ') ? `answered ${info.reason.slice(5)}` : `unreachable (${info.reason})`;
  return `mlproject: tracking server ${info.url} ${what}; retry ${info.attempt} of ${info.maxAttempts} in ${Math.round(info.waitMs / 1000)} s`;
}
