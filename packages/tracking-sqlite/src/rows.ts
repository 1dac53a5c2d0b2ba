import type Database from 'better-sqlite3';
import type {
  DatasetInput, Experiment, LifecycleStage, LoggedModel, LoggedModelStatus, Metric, Run, RunInfo, RunStatus, Tag,
} from '@mlproject/tracking';

/** Row shapes of the tables in `schema.ts`. */
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
  is_nan: number;
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

/** A metric row as an entity; is_nan rows become NaN, empty optional columns are left out. */
export function toMetric(row: MetricRow): Metric {
  const metric: Metric = { key: row.key, value: row.is_nan ? Number.NaN : row.value, timestamp: row.timestamp, step: row.step };
  if (row.model_id) metric.modelId = row.model_id;
  if (row.dataset_name) metric.datasetName = row.dataset_name;
  if (row.dataset_digest) metric.datasetDigest = row.dataset_digest;
  if (row.run_id) metric.runId = row.run_id;
  return metric;
}

export function toExperiment(db: Database.Database, row: ExperimentRow): Experiment {
  const tags = db.prepare('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key').all(row.experiment_id) as Tag[];
  return {
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: row.creation_time,
    lastUpdateTime: row.last_update_time,
    tags,
  };
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

/** Loads a run's data (latest metrics, params, tags), inputs and outputs around its info row. */
export function toRun(db: Database.Database, row: RunRow): Run {
  const id = row.run_id;
  const metrics = (db.prepare('SELECT key, value, is_nan, timestamp, step FROM latest_metrics WHERE run_id = ? ORDER BY key').all(id) as MetricRow[]).map(toMetric);
  const params = db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').all(id) as Tag[];
  const tags = db.prepare('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key').all(id) as Tag[];
  const datasetRows = db.prepare('SELECT * FROM run_dataset_inputs WHERE run_id = ? ORDER BY rowid').all(id) as {
    name: string; digest: string; source_type: string; source: string; schema: string | null; profile: string | null; tags_json: string;
  }[];
  const datasetInputs: DatasetInput[] = datasetRows.map((d) => {
    const dataset: DatasetInput['dataset'] = { name: d.name, digest: d.digest, sourceType: d.source_type, source: d.source };
    if (d.schema !== null) dataset.schema = d.schema;
    if (d.profile !== null) dataset.profile = d.profile;
    return { tags: JSON.parse(d.tags_json) as Tag[], dataset };
  });
  const modelInputs = (db.prepare('SELECT model_id FROM run_model_inputs WHERE run_id = ? ORDER BY rowid').pluck().all(id) as string[])
    .map((modelId) => ({ modelId }));
  const modelOutputs = db.prepare('SELECT model_id AS modelId, step FROM run_model_outputs WHERE run_id = ? ORDER BY rowid').all(id) as { modelId: string; step: number }[];
  return {
    info: toRunInfo(row),
    data: { metrics, params, tags },
    inputs: { datasetInputs, modelInputs },
    outputs: { modelOutputs },
  };
}

export function toLoggedModel(db: Database.Database, row: LoggedModelRow): LoggedModel {
  const id = row.model_id;
  const model: LoggedModel = {
    modelId: id,
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactUri: row.artifact_uri,
    status: row.status,
    creationTimestampMs: row.creation_timestamp,
    lastUpdatedTimestampMs: row.last_updated_timestamp,
    tags: db.prepare('SELECT key, value FROM logged_model_tags WHERE model_id = ? ORDER BY key').all(id) as Tag[],
    params: db.prepare('SELECT key, value FROM logged_model_params WHERE model_id = ? ORDER BY key').all(id) as Tag[],
    metrics: (db.prepare('SELECT * FROM logged_model_metrics WHERE model_id = ? ORDER BY key, step, timestamp').all(id) as MetricRow[])
      .map((m) => ({ ...toMetric(m), modelId: id })),
    lifecycleStage: row.lifecycle_stage,
  };
  if (row.model_type !== null) model.modelType = row.model_type;
  if (row.source_run_id !== null) model.sourceRunId = row.source_run_id;
  return model;
}
