import type {
  Experiment, LoggedModel, LoggedModelStatus, Metric, Param, Run, RunInfo, RunStatus, Tag, ViewType,
  DatasetInput,
} from './entities.js';

/** One page of results; `nextPageToken` is absent on the last page. Tokens are opaque. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** The entries of one `logBatch` call; each list may be absent. */
export interface LogBatchRequest {
  metrics?: Metric[];
  params?: Param[];
  tags?: Tag[];
}

export interface CreateRunRequest {
  experimentId: string;
  userId: string;
  /** ms */
  startTime: number;
  tags: Tag[];
  /** When absent: the `mlflow.runName` tag, else a random `adjective-noun-N` name. */
  runName?: string;
}

export interface UpdateRunRequest {
  status?: RunStatus;
  /** ms */
  endTime?: number;
  runName?: string;
}

export interface SearchRunsRequest {
  experimentIds: string[];
  /** MLflow search grammar; empty means all. */
  filter?: string;
  viewType?: ViewType;
  /** Default 1000, at most 50000. */
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export interface SearchExperimentsRequest {
  filter?: string;
  viewType?: ViewType;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export interface CreateLoggedModelRequest {
  experimentId: string;
  name?: string;
  modelType?: string;
  sourceRunId?: string;
  params?: Param[];
  tags?: Tag[];
}

export interface SearchLoggedModelsRequest {
  experimentIds: string[];
  filter?: string;
  maxResults?: number;
  orderBy?: { fieldName: string; ascending?: boolean }[];
  pageToken?: string;
}

/**
 * A tracking store, as MLflow's `AbstractStore` (`mlflow/store/tracking/abstract_store.py`).
 * Every method is async so that remote and SQL stores fit. Refusals throw `TrackingError`
 * with MLflow's error code: RESOURCE_DOES_NOT_EXIST for unknown IDs, INVALID_PARAMETER_VALUE
 * for bad input or writes to deleted runs, RESOURCE_ALREADY_EXISTS for taken experiment names.
 * Experiment "0" named "Default" exists from the start.
 */
export interface TrackingStore {
  /** A URI naming this store, e.g. `sqlite:////abs/path/mlproject.db`. */
  readonly uri: string;

  createExperiment(name: string, artifactLocation?: string, tags?: Tag[]): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** null when no experiment (active or deleted) has that name. */
  getExperimentByName(name: string): Promise<Experiment | null>;
  searchExperiments(request: SearchExperimentsRequest): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, tag: Tag): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(request: CreateRunRequest): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRun(runId: string, request: UpdateRunRequest): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  searchRuns(request: SearchRunsRequest): Promise<Page<Run>>;

  /** Params are write-once (same value is a no-op); duplicate metric points are dropped; tags upsert. */
  logBatch(runId: string, batch: LogBatchRequest): Promise<void>;
  logMetric(runId: string, metric: Metric): Promise<void>;
  logParam(runId: string, param: Param): Promise<void>;
  setTag(runId: string, tag: Tag): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** Ordered by (timestamp, step, value). */
  getMetricHistory(runId: string, key: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>>;
  logInputs(runId: string, inputs: { datasets?: DatasetInput[]; models?: { modelId: string }[] }): Promise<void>;
  logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void>;

  createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel>;
  getLoggedModel(modelId: string, options?: { allowDeleted?: boolean }): Promise<LoggedModel>;
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel>;
  deleteLoggedModel(modelId: string): Promise<void>;
  searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>>;
  setLoggedModelTags(modelId: string, tags: Tag[]): Promise<void>;
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  logLoggedModelParams(modelId: string, params: Param[]): Promise<void>;

  close(): Promise<void>;
}
