import type {
  DatasetInput, Experiment, LifecycleStage, LoggedModel, LoggedModelStatus, Metric, Param, Run, RunInfo, RunStatus, Tag,
} from '@mlproject/tracking';
import { allQueries, type Queryable } from './db.js';

/** Row shapes of the tables in `schema.ts` (bigint columns arrive as numbers, see `createPool`). */
export interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
}

export interface RunRow {
  run_id: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

export interface MetricRow {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  model_id?: string | null;
  dataset_name?: string | null;
  dataset_digest?: string | null;
  run_id?: string | null;
}

export interface LoggedModelRow {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_uri: string;
  status: LoggedModelStatus;
  creation_timestamp: number;
  last_updated_timestamp: number;
  model_type: string | null;
  source_run_id: string | null;
  lifecycle_stage: LifecycleStage;
}

/** A metric row as an entity; empty optional columns are left out. */
export function toMetric(row: MetricRow): Metric {
  const metric: Metric = { key: row.key, value: row.value, timestamp: row.timestamp, step: row.step };
  if (row.model_id) metric.modelId = row.model_id;
  if (row.dataset_name) metric.datasetName = row.dataset_name;
  if (row.dataset_digest) metric.datasetDigest = row.dataset_digest;
  if (row.run_id) metric.runId = row.run_id;
  return metric;
}

/** Rows of `sql` (which takes the owner IDs as `$1`) grouped by the `owner` column, in query order. */
async function grouped<R extends { owner: string | number }>(q: Queryable, sql: string, ids: unknown[]): Promise<Map<string, R[]>> {
  const out = new Map<string, R[]>();
  if (ids.length === 0) return out;
  const { rows } = await q.query<R>(sql, [ids]);
  for (const row of rows) {
    const key = String(row.owner);
    const list = out.get(key);
    if (list === undefined) out.set(key, [row]);
    else list.push(row);
  }
  return out;
}

const keyValue = ({ key, value }: { key: string; value: string }): Tag => ({ key, value });

/** Experiments with their tags, in the order of `rows`, in one query for all of them. */
export async function loadExperiments(q: Queryable, rows: ExperimentRow[]): Promise<Experiment[]> {
  const tags = await grouped<Tag & { owner: number }>(q,
    'SELECT experiment_id AS owner, key, value FROM experiment_tags WHERE experiment_id = ANY($1::int[]) ORDER BY experiment_id, key',
    rows.map((r) => r.experiment_id));
  return rows.map((row) => ({
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: row.creation_time,
    lastUpdateTime: row.last_update_time,
    tags: (tags.get(String(row.experiment_id)) ?? []).map(keyValue),
  }));
}

export function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_id,
    runName: row.name,
    experimentId: String(row.experiment_id),
    userId: row.user_id,
    status: row.status,
    startTime: row.start_time,
    endTime: row.end_time,
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage,
  };
}

interface DatasetRow {
  owner: string;
  name: string; digest: string; source_type: string; source: string; schema: string | null; profile: string | null; tags: Tag[];
}

function toDatasetInput(d: DatasetRow): DatasetInput {
  const dataset: DatasetInput['dataset'] = { name: d.name, digest: d.digest, sourceType: d.source_type, source: d.source };
  if (d.schema !== null) dataset.schema = d.schema;
  if (d.profile !== null) dataset.profile = d.profile;
  return { tags: d.tags, dataset };
}

/**
 * Runs with their data (latest metrics, params, tags), inputs and outputs, in the order of `rows`:
 * six queries whatever the number of runs.
 */
export async function loadRuns(q: Queryable, rows: RunRow[]): Promise<Run[]> {
  const ids = rows.map((r) => r.run_id);
  const of = (table: string, columns: string, order: string): string =>
    `SELECT run_id AS owner, ${columns} FROM ${table} WHERE run_id = ANY($1::text[]) ORDER BY run_id, ${order}`;
  const [metrics, params, tags, datasets, modelInputs, modelOutputs] = await allQueries(q,
    () => grouped<MetricRow & { owner: string }>(q, of('latest_metrics', 'key, value, timestamp, step', 'key'), ids),
    () => grouped<Param & { owner: string }>(q, of('params', 'key, value', 'key'), ids),
    () => grouped<Tag & { owner: string }>(q, of('tags', 'key, value', 'key'), ids),
    () => grouped<DatasetRow>(q, of('run_dataset_inputs', 'name, digest, source_type, source, schema, profile, tags', 'seq'), ids),
    () => grouped<{ owner: string; model_id: string }>(q, of('run_model_inputs', 'model_id', 'seq'), ids),
    () => grouped<{ owner: string; model_id: string; step: number }>(q, of('run_model_outputs', 'model_id, step', 'seq'), ids),
  );
  return rows.map((row) => {
    const id = row.run_id;
    return {
      info: toRunInfo(row),
      data: {
        metrics: (metrics.get(id) ?? []).map(({ key, value, timestamp, step }) => ({ key, value, timestamp, step })),
        params: (params.get(id) ?? []).map(keyValue),
        tags: (tags.get(id) ?? []).map(keyValue),
      },
      inputs: {
        datasetInputs: (datasets.get(id) ?? []).map(toDatasetInput),
        modelInputs: (modelInputs.get(id) ?? []).map((m) => ({ modelId: m.model_id })),
      },
      outputs: { modelOutputs: (modelOutputs.get(id) ?? []).map((m) => ({ modelId: m.model_id, step: m.step })) },
    };
  });
}

/** Logged models with their tags, params and metrics, in the order of `rows`: three queries in all. */
export async function loadLoggedModels(q: Queryable, rows: LoggedModelRow[]): Promise<LoggedModel[]> {
  const ids = rows.map((r) => r.model_id);
  const of = (table: string, columns: string, order: string): string =>
    `SELECT model_id AS owner, ${columns} FROM ${table} WHERE model_id = ANY($1::text[]) ORDER BY model_id, ${order}`;
  const [tags, params, metrics] = await allQueries(q,
    () => grouped<Tag & { owner: string }>(q, of('logged_model_tags', 'key, value', 'key'), ids),
    () => grouped<Param & { owner: string }>(q, of('logged_model_params', 'key, value', 'key'), ids),
    () => grouped<MetricRow & { owner: string }>(q,
      of('logged_model_metrics', 'key, value, timestamp, step, run_id, dataset_name, dataset_digest', 'key, step, timestamp'), ids),
  );
  return rows.map((row) => {
    const id = row.model_id;
    const model: LoggedModel = {
      modelId: id,
      experimentId: String(row.experiment_id),
      name: row.name,
      artifactUri: row.artifact_uri,
      status: row.status,
      creationTimestampMs: row.creation_timestamp,
      lastUpdatedTimestampMs: row.last_updated_timestamp,
      tags: (tags.get(id) ?? []).map(keyValue),
      params: (params.get(id) ?? []).map(keyValue),
      metrics: (metrics.get(id) ?? []).map((m) => ({ ...toMetric(m), modelId: id })),
      lifecycleStage: row.lifecycle_stage,
    };
    if (row.model_type !== null) model.modelType = row.model_type;
    if (row.source_run_id !== null) model.sourceRunId = row.source_run_id;
    return model;
  });
}
