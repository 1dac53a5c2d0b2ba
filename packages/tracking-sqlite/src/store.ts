import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type {
  CreateLoggedModelRequest, CreateRunRequest, DatasetInput, Experiment, LoggedModel, LoggedModelStatus, LogBatchRequest, Metric,
  Page, Param, Run, RunInfo, SearchExperimentsRequest, SearchLoggedModelsRequest, SearchRunsRequest, Tag,
  TrackingStore, UpdateRunRequest,
} from '@mlproject/tracking';
import type { Ctx } from './context.js';
import * as experiments from './experiments.js';
import * as logged from './logged-models.js';
import * as logging from './logging.js';
import * as runs from './runs.js';
import { openDatabase } from './schema.js';
import { registerFunctions } from './search-sql.js';
import * as search from './search.js';

export interface SqliteStoreOptions {
  /** Root of new experiments' artifact locations; default `mlflow-artifacts:/` (served by the tracking server). */
  defaultArtifactRoot?: string;
  /** Clock in epoch ms; default `Date.now`. For tests. */
  now?: () => number;
}

/**
 * The embedded tracking store: one SQLite file (better-sqlite3, WAL, busy timeout) that several
 * processes can share. Implements every `TrackingStore` method with MLflow's SQL-store semantics
 * (`mlflow/store/tracking/sqlalchemy_store.py`). Methods are async for the interface; the work is
 * synchronous, each write in one IMMEDIATE transaction.
 */
export class SqliteStore implements TrackingStore {
  readonly uri: string;
  /** The absolute file path (or `:memory:`). */
  readonly path: string;
  /** The underlying connection, for tests and tools; do not write to it. */
  readonly db: Database.Database;
  private readonly ctx: Ctx;

  /** Prefer {@link openSqliteStore}. @throws TrackingError as {@link openSqliteStore}. */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    this.uri = `sqlite:///${this.path}`;
    const now = options.now ?? Date.now;
    const defaultArtifactRoot = options.defaultArtifactRoot ?? 'mlflow-artifacts:/';
    this.db = openDatabase(this.path, defaultArtifactRoot, now);
    registerFunctions(this.db);
    this.ctx = { db: this.db, now, defaultArtifactRoot };
  }

  async createExperiment(name: string, artifactLocation?: string, tags?: Tag[]): Promise<string> {
    return experiments.createExperiment(this.ctx, name, artifactLocation, tags);
  }
  async getExperiment(experimentId: string): Promise<Experiment> {
    return experiments.getExperiment(this.ctx, experimentId);
  }
  async getExperimentByName(name: string): Promise<Experiment | null> {
    return experiments.getExperimentByName(this.ctx, name);
  }
  async searchExperiments(request: SearchExperimentsRequest): Promise<Page<Experiment>> {
    return search.searchExperiments(this.ctx, request);
  }
  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    experiments.renameExperiment(this.ctx, experimentId, newName);
  }
  async deleteExperiment(experimentId: string): Promise<void> {
    experiments.setExperimentStage(this.ctx, experimentId, 'deleted');
  }
  async restoreExperiment(experimentId: string): Promise<void> {
    experiments.setExperimentStage(this.ctx, experimentId, 'active');
  }
  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    experiments.setExperimentTag(this.ctx, experimentId, tag);
  }
  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    experiments.deleteExperimentTag(this.ctx, experimentId, key);
  }

  async createRun(request: CreateRunRequest): Promise<Run> {
    return runs.createRun(this.ctx, request);
  }
  async getRun(runId: string): Promise<Run> {
    return runs.getRun(this.ctx, runId);
  }
  async updateRun(runId: string, request: UpdateRunRequest): Promise<RunInfo> {
    return runs.updateRun(this.ctx, runId, request);
  }
  async deleteRun(runId: string): Promise<void> {
    runs.setRunStage(this.ctx, runId, 'deleted');
  }
  async restoreRun(runId: string): Promise<void> {
    runs.setRunStage(this.ctx, runId, 'active');
  }
  async searchRuns(request: SearchRunsRequest): Promise<Page<Run>> {
    return search.searchRuns(this.ctx, request);
  }

  async logBatch(runId: string, batch: LogBatchRequest): Promise<void> {
    logging.logBatch(this.ctx, runId, batch);
  }
  async logMetric(runId: string, metric: Metric): Promise<void> {
    logging.logBatch(this.ctx, runId, { metrics: [metric] });
  }
  async logParam(runId: string, param: Param): Promise<void> {
    logging.logBatch(this.ctx, runId, { params: [param] });
  }
  async setTag(runId: string, tag: Tag): Promise<void> {
    logging.logBatch(this.ctx, runId, { tags: [tag] });
  }
  async deleteTag(runId: string, key: string): Promise<void> {
    logging.deleteTag(this.ctx, runId, key);
  }
  async getMetricHistory(runId: string, key: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>> {
    return logging.getMetricHistory(this.ctx, runId, key, options);
  }
  async logInputs(runId: string, inputs: { datasets?: DatasetInput[]; models?: { modelId: string }[] }): Promise<void> {
    logging.logInputs(this.ctx, runId, inputs);
  }
  async logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    logging.logOutputs(this.ctx, runId, models);
  }

  async createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel> {
    return logged.createLoggedModel(this.ctx, request);
  }
  async getLoggedModel(modelId: string, options?: { allowDeleted?: boolean }): Promise<LoggedModel> {
    return logged.getLoggedModel(this.ctx, modelId, options?.allowDeleted ?? false);
  }
  async finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    return logged.finalizeLoggedModel(this.ctx, modelId, status);
  }
  async deleteLoggedModel(modelId: string): Promise<void> {
    logged.deleteLoggedModel(this.ctx, modelId);
  }
  async searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>> {
    return search.searchLoggedModels(this.ctx, request);
  }
  async setLoggedModelTags(modelId: string, tags: Tag[]): Promise<void> {
    logged.setLoggedModelTags(this.ctx, modelId, tags);
  }
  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    logged.deleteLoggedModelTag(this.ctx, modelId, key);
  }
  async logLoggedModelParams(modelId: string, params: Param[]): Promise<void> {
    logged.logLoggedModelParams(this.ctx, modelId, params);
  }

  /** Closes the connection (checkpointing the WAL). Idempotent. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens or creates the SQLite tracking store at `path` (relative paths resolve against the cwd;
 * `:memory:` for a throwaway store). Several processes may open the same file.
 * @throws TrackingError INVALID_PARAMETER_VALUE when `path` is not a SQLite file, is an MLflow
 *   database (has an `alembic_version` table), belongs to another application, or has a newer schema.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}
