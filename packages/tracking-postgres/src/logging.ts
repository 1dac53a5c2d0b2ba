import {
  RUN_NAME_TAG, TrackingError, checkBatch, decodePageToken, invalidParameter, isLaterPoint, pageOf,
  paramChangedError, validateDatasetInputs,
  type DatasetInput, type LogBatchRequest, type Metric, type Page, type Param, type ParamConflict,
} from '@mlproject/tracking';
import { lockActiveRun, modelNotFound, runRow } from './context.js';
import { write, type Ctx, type Queryable } from './db.js';
import { toMetric, type MetricRow } from './rows.js';
import { renameRun, upsertRunTags } from './runs.js';

/**
 * Inserts write-once params of one owner (a run or a logged model) in one statement and returns the
 * ones already stored with another value, in the order given. The same value again is a no-op.
 */
export async function insertParamsOnce(q: Queryable, table: 'params' | 'logged_model_params', ownerId: string, params: Param[]): Promise<ParamConflict[]> {
  if (params.length === 0) return [];
  const fk = table === 'params' ? 'run_id' : 'model_id';
  const keys = params.map((p) => p.key);
  await q.query(
    `INSERT INTO ${table} (${fk}, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT (${fk}, key) DO NOTHING`,
    [ownerId, keys, params.map((p) => p.value)],
  );
  const { rows } = await q.query<Param>(`SELECT key, value FROM ${table} WHERE ${fk} = $1 AND key = ANY($2::text[])`, [ownerId, keys]);
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  return params.flatMap((p) => {
    const old = stored.get(p.key);
    return old !== undefined && old !== p.value ? [{ key: p.key, old, value: p.value }] : [];
  });
}


const pointId = (m: { key: string; timestamp: number; step: number; value: number }): string =>
  `${m.key}\u0000${m.timestamp}\u0000${m.step}\u0000${m.value}`;

/**
 * Appends metric points (duplicates of stored points are dropped) and moves `latest_metrics` forward
 * by `isLaterPoint`, considering the new points in the order given. The caller holds the run's lock,
 * so the latest values it reads cannot change underneath.
 */
async function insertMetrics(q: Queryable, runId: string, metrics: Metric[]): Promise<void> {
  if (metrics.length === 0) return;
  const col = <K extends keyof Metric>(k: K): (Metric[K] | null)[] => metrics.map((m) => m[k] ?? null);
  const inserted = await q.query<MetricRow>(
    `INSERT INTO metrics (run_id, key, value, timestamp, step, model_id, dataset_name, dataset_digest)
     SELECT $1, * FROM unnest($2::text[], $3::float8[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[])
     ON CONFLICT DO NOTHING RETURNING key, value, timestamp, step`,
    [runId, col('key'), col('value'), col('timestamp'), col('step'), col('modelId'), col('datasetName'), col('datasetDigest')],
  );
  const fresh = new Set(inserted.rows.map(pointId));
  const keys = [...new Set(metrics.map((m) => m.key))];
  const current = await q.query<MetricRow>('SELECT key, value, timestamp, step FROM latest_metrics WHERE run_id = $1 AND key = ANY($2::text[])', [runId, keys]);
  const latest = new Map<string, Metric>(current.rows.map((r) => [r.key, toMetric(r)]));
  const changed = new Set<string>();
  for (const m of metrics) {
    // Only a point this batch really added counts, once: a repeat within the batch was dropped.
    if (!fresh.delete(pointId(m))) continue;
    const cur = latest.get(m.key);
    if (cur === undefined || isLaterPoint(m, cur)) {
      latest.set(m.key, m);
      changed.add(m.key);
    }
  }
  if (changed.size === 0) return;
  const rows = [...changed].map((k) => latest.get(k) as Metric);
  await q.query(
    `INSERT INTO latest_metrics (run_id, key, value, timestamp, step)
     SELECT $1, * FROM unnest($2::text[], $3::float8[], $4::bigint[], $5::bigint[])
     ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step`,
    [runId, rows.map((m) => m.key), rows.map((m) => m.value), rows.map((m) => m.timestamp), rows.map((m) => m.step)],
  );
}

/** Records points logged with a `modelId` as that logged model's metrics (deleted models too). */
async function insertModelMetrics(q: Queryable, runId: string, metrics: Metric[]): Promise<void> {
  const points = metrics.filter((m) => m.modelId !== undefined && m.modelId !== '');
  if (points.length === 0) return;
  const ids = [...new Set(points.map((m) => m.modelId as string))];
  const { rows } = await q.query<{ model_id: string }>('SELECT model_id FROM logged_models WHERE model_id = ANY($1::text[])', [ids]);
  const known = new Set(rows.map((r) => r.model_id));
  const missing = ids.find((id) => !known.has(id));
  if (missing !== undefined) throw modelNotFound(missing);
  await q.query(
    `INSERT INTO logged_model_metrics (model_id, key, value, timestamp, step, run_id, dataset_name, dataset_digest)
     SELECT m, k, v, t, s, $1, dn, dd FROM unnest($2::text[], $3::text[], $4::float8[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])
       AS x (m, k, v, t, s, dn, dd)
     ON CONFLICT DO NOTHING`,
    [runId, points.map((m) => m.modelId), points.map((m) => m.key), points.map((m) => m.value), points.map((m) => m.timestamp),
      points.map((m) => m.step), points.map((m) => m.datasetName ?? ''), points.map((m) => m.datasetDigest ?? '')],
  );
}

/**
 * Logs metrics, params and tags in one transaction (all or nothing), as `SqlAlchemyStore.log_batch`:
 * params write-once (same value is a no-op), duplicate metric points dropped, tags upserted (last
 * wins; `mlflow.runName` renames the run), metrics with a `modelId` also recorded as that logged
 * model's metrics. Writers to the same run queue on its row lock.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (run or model), INVALID_PARAMETER_VALUE (deleted run,
 *   limits, bad keys or values, changed param value).
 */
export async function logBatch(ctx: Ctx, runId: string, batch: LogBatchRequest): Promise<void> {
  const { metrics, params, tags: tagList } = checkBatch(batch);
  const tags = new Map(tagList.map((t) => [t.key, t.value]));
  await write(ctx, async (q) => {
    await lockActiveRun(q, runId);
    const conflicts = await insertParamsOnce(q, 'params', runId, params);
    if (conflicts.length > 0) throw paramChangedError(`run ID='${runId}'`, conflicts);
    await insertMetrics(q, runId, metrics);
    await insertModelMetrics(q, runId, metrics);
    const runName = tags.get(RUN_NAME_TAG);
    tags.delete(RUN_NAME_TAG);
    await upsertRunTags(q, runId, tags);
    if (runName !== undefined) await renameRun(q, runId, runName);
  });
}

/** @throws TrackingError INVALID_PARAMETER_VALUE (deleted run), RESOURCE_DOES_NOT_EXIST (run or tag). */
export async function deleteTag(ctx: Ctx, runId: string, key: string): Promise<void> {
  await write(ctx, async (q) => {
    await lockActiveRun(q, runId);
    const result = await q.query('DELETE FROM tags WHERE run_id = $1 AND key = $2', [runId, String(key)]);
    if (result.rowCount === 0) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${runId}`);
  });
}

/**
 * All points of one metric ordered by (timestamp, step, value), a NaN sorting as 0 does (MLflow stores
 * NaN as 0: `SqlAlchemyStore.get_metric_history`), paged; `maxResults` absent or 0
 * means no limit (as the real server reads an absent value). Unknown key: empty.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown run, INVALID_PARAMETER_VALUE for a bad token.
 */
export async function getMetricHistory(ctx: Ctx, runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
  await runRow(ctx.pool, runId);
  const offset = decodePageToken(options.pageToken);
  const max = options.maxResults ?? 0;
  if (!Number.isSafeInteger(max) || max < 0) throw invalidParameter(`Invalid max_results ${max}.`);
  const { rows } = await ctx.pool.query<MetricRow>(
    `SELECT key, value, timestamp, step, model_id, dataset_name, dataset_digest FROM metrics
     WHERE run_id = $1 AND key = $2
     ORDER BY timestamp, step, CASE WHEN value = 'NaN'::float8 THEN 0 ELSE value END, value = 'NaN'::float8 LIMIT $3 OFFSET $4`,
    [runId, String(key), max === 0 ? null : max + 1, offset],
  );
  const metrics = rows.map(toMetric);
  return max === 0 ? { items: metrics } : pageOf(metrics, offset, max);
}

/** Records dataset and model inputs (duplicates ignored), as `SqlAlchemyStore.log_inputs`. */
export async function logInputs(ctx: Ctx, runId: string, inputs: { datasets?: DatasetInput[]; models?: { modelId: string }[] }): Promise<void> {
  const datasets = inputs.datasets ?? [];
  validateDatasetInputs(datasets);
  await write(ctx, async (q) => {
    await lockActiveRun(q, runId);
    for (const { dataset: d, tags } of datasets) {
      const context = tags.find((t) => t.key === 'mlflow.data.context')?.value ?? null;
      await q.query(
        `INSERT INTO run_dataset_inputs (run_id, name, digest, source_type, source, schema, profile, tags, context)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) ON CONFLICT DO NOTHING`,
        [runId, d.name, d.digest, d.sourceType, d.source, d.schema ?? null, d.profile ?? null, JSON.stringify(tags), context],
      );
    }
    for (const model of inputs.models ?? []) {
      await q.query('INSERT INTO run_model_inputs (run_id, model_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [runId, String(model.modelId)]);
    }
  });
}

/** Appends model outputs `{modelId, step}` (duplicates ignored), as `SqlAlchemyStore.log_outputs`. */
export async function logOutputs(ctx: Ctx, runId: string, models: { modelId: string; step: number }[]): Promise<void> {
  for (const m of models) {
    if (typeof m.modelId !== 'string' || m.modelId === '') throw invalidParameter('Each model output needs a model_id.');
    if (!Number.isSafeInteger(m.step)) throw invalidParameter(`Invalid step ${String(m.step)} for model output ${m.modelId}.`);
  }
  await write(ctx, async (q) => {
    await lockActiveRun(q, runId);
    for (const m of models) {
      await q.query('INSERT INTO run_model_outputs (run_id, model_id, step) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [runId, m.modelId, m.step]);
    }
  });
}
