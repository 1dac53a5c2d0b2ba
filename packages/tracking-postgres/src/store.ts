import { TrackingError } from '@mlproject/tracking';
import type {
  CreateLoggedModelRequest, CreateRunRequest, DatasetInput, Experiment, LoggedModel, LoggedModelStatus, LogBatchRequest, Metric,
  Page, Param, Run, RunInfo, SearchExperimentsRequest, SearchLoggedModelsRequest, SearchRunsRequest, Tag,
  TrackingStore, TrackingErrorCode, UpdateRunRequest,
} from '@mlproject/tracking';
import type pg from 'pg';
import { createPool, sqlState, type Ctx } from './db.js';
import * as experiments from './experiments.js';
import * as logged from './logged-models.js';
import * as logging from './logging.js';
import * as runs from './runs.js';
import { ensureSchema } from './schema.js';
import * as search from './search.js';
import { parsePostgresUri } from './uri.js';

export interface PostgresStoreOptions {
  /** Root of new experiments' artifact locations; default `mlflow-artifacts:/` (served by the tracking server). */
  defaultArtifactRoot?: string;
  /** Clock in epoch ms; default `Date.now`. For tests. */
  now?: () => number;
  /** Most connections this process opens to the server at once; default 10. */
  poolSize?: number;
  /**
   * PostgreSQL schema that holds the store's tables (created if missing), set as the connections'
   * `search_path`: lowercase letters, digits and `_`, at most 63 characters. Default: the
   * connection's current schema (usually `public`). Several stores can share one database this way.
   */
  schema?: string;
}

/**
 * A tracking store on a PostgreSQL server, shared by any number of processes and machines
 * (node-postgres pool). Implements every `TrackingStore` method with MLflow's SQL-store semantics
 * (`mlflow/store/tracking/sqlalchemy_store.py`); each write is one transaction.
 */
export class PostgresStore implements TrackingStore {
  /** The tracking URI as given, with the password masked (`***`). */
  readonly uri: string;
  /** The schema holding the tables, when one was chosen with the `schema` option. */
  readonly schema: string | undefined;
  /** The connection pool, for tests and tools; do not write through it. */
  readonly pool: pg.Pool;
  private readonly ctx: Ctx;
  private closed = false;

  /** Use {@link openPostgresStore}, which also checks and creates the schema. */
  constructor(uri: string, pool: pg.Pool, options: { schema?: string; now: () => number; defaultArtifactRoot: string }) {
    this.uri = uri;
    this.schema = options.schema;
    this.pool = pool;
    this.ctx = { pool, now: options.now, defaultArtifactRoot: options.defaultArtifactRoot };
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
    return experiments.renameExperiment(this.ctx, experimentId, newName);
  }
  async deleteExperiment(experimentId: string): Promise<void> {
    return experiments.setExperimentStage(this.ctx, experimentId, 'deleted');
  }
  async restoreExperiment(experimentId: string): Promise<void> {
    return experiments.setExperimentStage(this.ctx, experimentId, 'active');
  }
  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    return experiments.setExperimentTag(this.ctx, experimentId, tag);
  }
  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return experiments.deleteExperimentTag(this.ctx, experimentId, key);
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
    return runs.setRunStage(this.ctx, runId, 'deleted');
  }
  async restoreRun(runId: string): Promise<void> {
    return runs.setRunStage(this.ctx, runId, 'active');
  }
  async searchRuns(request: SearchRunsRequest): Promise<Page<Run>> {
    return search.searchRuns(this.ctx, request);
  }

  async logBatch(runId: string, batch: LogBatchRequest): Promise<void> {
    return logging.logBatch(this.ctx, runId, batch);
  }
  async logMetric(runId: string, metric: Metric): Promise<void> {
    return logging.logBatch(this.ctx, runId, { metrics: [metric] });
  }
  async logParam(runId: string, param: Param): Promise<void> {
    return logging.logBatch(this.ctx, runId, { params: [param] });
  }
  async setTag(runId: string, tag: Tag): Promise<void> {
    return logging.logBatch(this.ctx, runId, { tags: [tag] });
  }
  async deleteTag(runId: string, key: string): Promise<void> {
    return logging.deleteTag(this.ctx, runId, key);
  }
  async getMetricHistory(runId: string, key: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>> {
    return logging.getMetricHistory(this.ctx, runId, key, options);
  }
  async logInputs(runId: string, inputs: { datasets?: DatasetInput[]; models?: { modelId: string }[] }): Promise<void> {
    return logging.logInputs(this.ctx, runId, inputs);
  }
  async logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    return logging.logOutputs(this.ctx, runId, models);
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
    return logged.deleteLoggedModel(this.ctx, modelId);
  }
  async searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>> {
    return search.searchLoggedModels(this.ctx, request);
  }
  async setLoggedModelTags(modelId: string, tags: Tag[]): Promise<void> {
    return logged.setLoggedModelTags(this.ctx, modelId, tags);
  }
  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    return logged.deleteLoggedModelTag(this.ctx, modelId, key);
  }
  async logLoggedModelParams(modelId: string, params: Param[]): Promise<void> {
    return logged.logLoggedModelParams(this.ctx, modelId, params);
  }

  /** Waits for running queries and closes every connection of the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** What a failure to connect or to prepare the schema means for the user, as a TrackingError naming the store. */
function openError(error: unknown, where: string): unknown {
  if (error instanceof TrackingError) return error;
  const state = sqlState(error);
  const message = (error as Error).message;
  const fail = (code: TrackingErrorCode, hint: string): TrackingError =>
    new TrackingError(code, `Cannot open the tracking store ${where}: ${message}. ${hint}`, { cause: error });
  if (state === '28P01' || state === '28000') return fail('UNAUTHENTICATED', 'Check the user name and password in the tracking URI.');
  if (state === '42501') return fail('PERMISSION_DENIED', 'The user needs CREATE on the database (or the schema) the first time, and USAGE afterwards.');
  if (state === '3D000') return fail('INVALID_PARAMETER_VALUE', 'Create the database first (createdb), or fix its name in the tracking URI.');
  const code = (error as { code?: unknown } | null)?.code;
  const network = state === undefined && ((typeof code === 'string' && /^E[A-Z]+$/.test(code)) || /Connection terminated|timeout/i.test(message));
  if (network || state?.startsWith('08') || state?.startsWith('57P')) {
    return fail('TEMPORARILY_UNAVAILABLE', 'Check that the PostgreSQL server runs and that host and port in the tracking URI are right.');
  }
  return error;
}

/**
 * Opens a PostgreSQL tracking store: connects (node-postgres pool of `poolSize` connections, default
 * 10), and creates its tables on first use or checks them, all in one transaction under an advisory
 * lock, so several processes may open a new database at once. Experiment "0" "Default" is seeded.
 *
 * `uri`: `postgresql://user:password@host:5432/database`, also `postgres://` and SQLAlchemy's
 * `postgresql+psycopg2://`, `postgresql+psycopg://`, `postgresql+pg8000://` (as given to `mlflow server`).
 * The store's `uri` is this URI with the password masked.
 * Mirrors `mlflow/store/tracking/sqlalchemy_store.py` (`SqlAlchemyStore`), on its own tables.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad URI or schema name, an MLflow database
 *   (`alembic_version`), tables named like ours without our marker, a newer schema or a missing
 *   database; UNAUTHENTICATED for a wrong password; PERMISSION_DENIED when the user may not create
 *   the tables; TEMPORARILY_UNAVAILABLE when the server cannot be reached. A refused database is left untouched.
 */
export async function openPostgresStore(uri: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const parsed = parsePostgresUri(uri);
  const where = `'${parsed.masked}'${options.schema === undefined ? '' : ` (schema "${options.schema}")`}`;
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new TrackingError('INVALID_PARAMETER_VALUE', `Invalid schema name '${options.schema}' for ${where}: use lowercase letters, digits and _ (at most 63, not starting with a digit).`);
  }
  if (options.schema !== undefined && parsed.hasOptions) {
    throw new TrackingError('INVALID_PARAMETER_VALUE', `Cannot use the schema option with ${where}: the URI sets options itself. Drop one of the two.`);
  }
  const poolSize = options.poolSize ?? 10;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
    throw new TrackingError('INVALID_PARAMETER_VALUE', `Invalid poolSize ${poolSize}: expected a positive integer.`);
  }
  const now = options.now ?? Date.now;
  const defaultArtifactRoot = options.defaultArtifactRoot ?? 'mlflow-artifacts:/';
  const pool = createPool(parsed.connectionString, { max: poolSize, ...(options.schema === undefined ? {} : { schema: options.schema }) });
  try {
    await ensureSchema(pool, where, options.schema, defaultArtifactRoot, now);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw openError(error, where);
  }
  return new PostgresStore(parsed.masked, pool, { ...(options.schema === undefined ? {} : { schema: options.schema }), now, defaultArtifactRoot });
}
