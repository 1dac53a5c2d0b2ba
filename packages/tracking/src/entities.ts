/**
 * MLflow tracking entities, in camelCase. Shapes follow `mlflow/protos/service.proto`
 * (Experiment, RunInfo, RunData, Metric, Param, RunTag, RunInputs, RunOutputs) and
 * `mlflow/entities/logged_model.py` (MLflow 3 logged models). Times are epoch milliseconds.
 */

/** Run status, as `mlflow.entities.RunStatus`. Terminal: FINISHED, FAILED, KILLED. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export const TERMINAL_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

/** The run tag that always equals the run name (`mlflow.utils.mlflow_tags.MLFLOW_RUN_NAME`). */
export const RUN_NAME_TAG = 'mlflow.runName';

/** `active` or `deleted` (soft delete), as `mlflow.entities.LifecycleStage`. */
export type LifecycleStage = 'active' | 'deleted';

/** ACTIVE_ONLY (default), DELETED_ONLY or ALL, as `mlflow.entities.ViewType`. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Tag {
  key: string;
  value: string;
}

export interface Experiment {
  experimentId: string;
  name: string;
  /** e.g. `mlflow-artifacts:/1` */
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  /** ms */
  creationTime: number;
  /** ms */
  lastUpdateTime: number;
  tags: Tag[];
}

export interface RunInfo {
  /** 32 lowercase hex characters. */
  runId: string;
  runName: string;
  experimentId: string;
  userId: string;
  status: RunStatus;
  /** ms */
  startTime: number;
  /** ms; null while unset. */
  endTime: number | null;
  /** e.g. `mlflow-artifacts:/1/<runId>/artifacts` */
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

export interface Metric {
  key: string;
  /** May be NaN or ±Infinity. */
  value: number;
  /** ms */
  timestamp: number;
  step: number;
  /** MLflow 3: the logged model this point belongs to. */
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
  /** Filled in by stores when a metric is read outside its run (logged-model metrics). */
  runId?: string;
}

export interface Param {
  key: string;
  value: string;
}

export interface RunData {
  /** Latest value per key: the point with the largest (step, timestamp, value). */
  metrics: Metric[];
  params: Param[];
  tags: Tag[];
}

export interface Dataset {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  tags: Tag[];
  dataset: Dataset;
}

export interface RunInputs {
  datasetInputs: DatasetInput[];
  modelInputs: { modelId: string }[];
}

export interface RunOutputs {
  modelOutputs: { modelId: string; step: number }[];
}

export interface Run {
  info: RunInfo;
  data: RunData;
  inputs: RunInputs;
  outputs: RunOutputs;
}

/** `LoggedModelStatus` from `mlflow/protos/service.proto`. */
export type LoggedModelStatus =
  | 'LOGGED_MODEL_STATUS_UNSPECIFIED'
  | 'LOGGED_MODEL_PENDING'
  | 'LOGGED_MODEL_READY'
  | 'LOGGED_MODEL_UPLOAD_FAILED';

export interface LoggedModel {
  /** `m-` + 32 hex characters. */
  modelId: string;
  experimentId: string;
  name: string;
  /** e.g. `mlflow-artifacts:/1/models/<modelId>/artifacts` */
  artifactUri: string;
  status: LoggedModelStatus;
  /** ms */
  creationTimestampMs: number;
  /** ms */
  lastUpdatedTimestampMs: number;
  modelType?: string;
  sourceRunId?: string;
  tags: Tag[];
  params: Param[];
  metrics: Metric[];
  lifecycleStage: LifecycleStage;
}
