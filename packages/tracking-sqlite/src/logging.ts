import {
  RUN_NAME_TAG, TrackingError, checkBatch, decodePageToken, invalidParameter, isLaterPoint, pageOf,
  paramChangedError, validateDatasetInputs,
  type DatasetInput, type LogBatchRequest, type Metric, type Page, type Param, type ParamConflict,
} from '@mlproject/tracking';
import { activeRunRow, loggedModelRow, runRow, write, type Ctx } from './context.js';
import { renameRun } from './runs.js';
import { toMetric, type MetricRow } from './rows.js';

/** Stored form of a metric value: NaN becomes (0, is_nan = 1); SQLite would turn NaN into NULL. */
function stored(value: number): [number, number] {
  return Number.isNaN(value) ? [0, 1] : [value, 0];
}

/** Whether point `m` is later than the current latest row (see `isLaterPoint`). */
function isLater(m: Metric, cur: MetricRow): boolean {
  return isLaterPoint(m, { step: cur.step, timestamp: cur.timestamp, value: cur.is_nan ? Number.NaN : cur.value });
}

function insertParams(ctx: Ctx, runId: string, params: Param[]): void {
  const existing = ctx.db.prepare('SELECT value FROM params WHERE run_id = ? AND key = ?').pluck();
  const insert = ctx.db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)');
  const conflicts: ParamConflict[] = [];
  for (const p of params) {
    const old = existing.get(runId, p.key) as string | undefined;
    if (old === undefined) insert.run(runId, p.key, p.value);
    else if (old !== p.value) conflicts.push({ key: p.key, old, value: p.value });
  }
  if (conflicts.length > 0) throw paramChangedError(`run ID='${runId}'`, conflicts);
}

function insertMetrics(ctx: Ctx, runId: string, metrics: Metric[]): void {
  const insert = ctx.db.prepare(
    `INSERT OR IGNORE INTO metrics (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const latest = ctx.db.prepare('SELECT * FROM latest_metrics WHERE run_id = ? AND key = ?');
  const setLatest = ctx.db.prepare('INSERT OR REPLACE INTO latest_metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)');
  const insertModelMetric = ctx.db.prepare(
    `INSERT OR IGNORE INTO logged_model_metrics (model_id, key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // The latest point per key, folded over the inserted points in log order (as point by point), but
  // read once and written once per key rather than once per point: a 1000-point batch of 10 keys
  // makes 10 reads and 10 writes of latest_metrics instead of 1000 and up to 1000.
  const folded = new Map<string, { row: MetricRow | undefined; changed: boolean }>();
  const knownModels = new Set<string>();
  for (const m of metrics) {
    const [value, isNan] = stored(m.value);
    const result = insert.run(runId, m.key, value, isNan, m.timestamp, m.step, m.modelId ?? null, m.datasetName ?? null, m.datasetDigest ?? null);
    if (result.changes > 0) {
      let cur = folded.get(m.key);
      if (cur === undefined) folded.set(m.key, (cur = { row: latest.get(runId, m.key) as MetricRow | undefined, changed: false }));
      if (cur.row === undefined || isLater(m, cur.row)) {
        cur.row = { key: m.key, value, is_nan: isNan, timestamp: m.timestamp, step: m.step };
        cur.changed = true;
      }
    }
    if (m.modelId !== undefined && m.modelId !== '') {
      // Look each model up once per batch, not once per point.
      if (!knownModels.has(m.modelId)) {
        loggedModelRow(ctx, m.modelId, true);
        knownModels.add(m.modelId);
      }
      insertModelMetric.run(m.modelId, m.key, value, isNan, m.timestamp, m.step, runId, m.datasetName ?? '', m.datasetDigest ?? '');
    }
  }
  for (const [key, { row, changed }] of folded) {
    if (changed && row !== undefined) setLatest.run(runId, key, row.value, row.is_nan, row.timestamp, row.step);
  }
}

/**
 * Logs metrics, params and tags in one transaction (all or nothing), as
 * `SqlAlchemyStore.log_batch`: params write-once (same value is a no-op), duplicate metric points
 * dropped, tags upserted (last wins; `mlflow.runName` renames the run), metrics with a `modelId`
 * also recorded as that logged model's metrics.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (run or model), INVALID_PARAMETER_VALUE (deleted run,
 *   limits, bad keys or values, changed param value).
 */
export function logBatch(ctx: Ctx, runId: string, batch: LogBatchRequest): void {
  const { metrics, params, tags } = checkBatch(batch);
  write(ctx, () => {
    activeRunRow(ctx, runId);
    insertParams(ctx, runId, params);
    insertMetrics(ctx, runId, metrics);
    const upsert = ctx.db.prepare('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)');
    for (const tag of tags) {
      if (tag.key === RUN_NAME_TAG) renameRun(ctx, runId, tag.value);
      else upsert.run(runId, tag.key, tag.value);
    }
  });
}

/** @throws TrackingError INVALID_PARAMETER_VALUE (deleted run), RESOURCE_DOES_NOT_EXIST (run or tag). */
export function deleteTag(ctx: Ctx, runId: string, key: string): void {
  write(ctx, () => {
    activeRunRow(ctx, runId);
    const result = ctx.db.prepare('DELETE FROM tags WHERE run_id = ? AND key = ?').run(runId, String(key));
    if (result.changes === 0) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${runId}`);
  });
}

/** A history row as `getMetricHistory` selects it, in column order. */
type HistoryRow = [value: number, isNan: number, timestamp: number, step: number,
  modelId: string | null, datasetName: string | null, datasetDigest: string | null];

/**
 * All points of one metric in `SqlAlchemyStore.get_metric_history`'s order: by timestamp, then
 * step, then stored value, where a NaN counts as the 0 it is stored as (MLflow stores it so too),
 * and is_nan breaks the tie between a real 0 and a NaN (0 first, as MLflow 3.17.2 returns them on
 * SQLite). That is the primary key's order, so SQLite reads one range of it and sorts nothing.
 * Paged; `maxResults` absent or 0 means no limit (as the real server reads an absent value).
 * Unknown key: empty.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown run.
 */
export function getMetricHistory(ctx: Ctx, runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Page<Metric> {
  runRow(ctx, runId);
  const offset = decodePageToken(options.pageToken);
  const max = options.maxResults ?? 0;
  if (!Number.isSafeInteger(max) || max < 0) throw invalidParameter(`Invalid max_results ${max}.`);
  // Rows as arrays and the key from the argument (the WHERE matched it byte for byte): better-sqlite3
  // builds a named object per row far more slowly (100,000 points: ~220 ms as objects, ~120 as arrays).
  const name = String(key);
  const rows = ctx.db.prepare(
    `SELECT value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest FROM metrics
     WHERE run_id = ? AND key = ? ORDER BY timestamp, step, value, is_nan LIMIT ? OFFSET ?`,
  ).raw().all(runId, name, max === 0 ? -1 : max + 1, offset) as HistoryRow[];
  const metrics = rows.map(([value, isNan, timestamp, step, modelId, datasetName, datasetDigest]) =>
    toMetric({ key: name, value, is_nan: isNan, timestamp, step, model_id: modelId, dataset_name: datasetName, dataset_digest: datasetDigest }));
  return max === 0 ? { items: metrics } : pageOf(metrics, offset, max);
}

/** Records dataset and model inputs (duplicates ignored), as `SqlAlchemyStore.log_inputs`. */
export function logInputs(ctx: Ctx, runId: string, inputs: { datasets?: DatasetInput[]; models?: { modelId: string }[] }): void {
  const datasets = inputs.datasets ?? [];
  validateDatasetInputs(datasets);
  write(ctx, () => {
    activeRunRow(ctx, runId);
    const insert = ctx.db.prepare(
      `INSERT OR IGNORE INTO run_dataset_inputs (run_id, name, digest, source_type, source, schema, profile, tags_json, context)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const { dataset: d, tags } of datasets) {
      const context = tags.find((t) => t.key === 'mlflow.data.context')?.value ?? null;
      insert.run(runId, d.name, d.digest, d.sourceType, d.source, d.schema ?? null, d.profile ?? null, JSON.stringify(tags), context);
    }
    const insertModel = ctx.db.prepare('INSERT OR IGNORE INTO run_model_inputs (run_id, model_id) VALUES (?, ?)');
    for (const model of inputs.models ?? []) insertModel.run(runId, String(model.modelId));
  });
}

/** Appends model outputs `{modelId, step}` (duplicates ignored), as `SqlAlchemyStore.log_outputs`. */
export function logOutputs(ctx: Ctx, runId: string, models: { modelId: string; step: number }[]): void {
  for (const m of models) {
    if (typeof m.modelId !== 'string' || m.modelId === '') throw invalidParameter('Each model output needs a model_id.');
    if (!Number.isSafeInteger(m.step)) throw invalidParameter(`Invalid step ${String(m.step)} for model output ${m.modelId}.`);
  }
  write(ctx, () => {
    activeRunRow(ctx, runId);
    const insert = ctx.db.prepare('INSERT OR IGNORE INTO run_model_outputs (run_id, model_id, step) VALUES (?, ?, ?)');
    for (const m of models) insert.run(runId, m.modelId, m.step);
  });
}
