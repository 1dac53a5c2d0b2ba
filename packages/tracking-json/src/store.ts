import { resolve } from 'node:path';
import type {
  CreateLoggedModelRequest, CreateRunRequest, DatasetInput, Experiment, LoggedModel, LoggedModelStatus, LogBatchRequest, Metric,
  Page, Param, Run, RunInfo, SearchExperimentsRequest, SearchLoggedModelsRequest, SearchRunsRequest, Tag,
  TrackingStore, UpdateRunRequest,
} from '@mlproject/tracking';
import { checkBatch, normalizeParam, normalizeRunTag, validateExperimentName, validateExperimentTag } from '@mlproject/tracking';
import { toExperiment, toLoggedModel, toRun, toRunInfo } from './convert.js';
import * as experiments from './experiments.js';
import { StoreFile } from './file.js';
import { emptyData } from './format.js';
import * as logged from './logged-models.js';
import * as logging from './logging.js';
import { experimentOf, loggedModelOf, runOf, type Ctx } from './lookup.js';
import * as runs from './runs.js';
import * as search from './search.js';

export interface JsonStoreOptions {
  /** Root of new experiments' artifact locations; default `mlflow-artifacts:/` (served by the tracking server). */
  defaultArtifactRoot?: string;
  /** Clock in epoch ms; default `Date.now`. For tests. */
  now?: () => number;
}

/**
 * A tracking store kept in one JSON file, through lowdb, for small portable use (a store you can
 * email or commit). Implements every `TrackingStore` method with the semantics of the SQLite store
 * (`@mlproject/tracking-sqlite`, after MLflow's `sqlalchemy_store.py`). Every write re-reads the
 * file if another process changed it, applies the change, and rewrites the whole file atomically,
 * under a cross-process lock `<file>.lock`; reads use the copy in memory while the file is
 * unchanged. A refused write changes nothing.
 */
export class JsonStore implements TrackingStore {
  /** `json:///<absolute path>` */
  readonly uri: string;
  /** The absolute file path. */
  readonly path: string;
  private readonly file: StoreFile;
  private readonly ctx: Ctx;

  /** Prefer {@link openJsonStore}, which also reads or creates the file. */
  constructor(path: string, options: JsonStoreOptions = {}) {
    this.path = resolve(path);
    this.uri = `json:///${this.path}`;
    this.ctx = { now: options.now ?? Date.now, defaultArtifactRoot: options.defaultArtifactRoot ?? 'mlflow-artifacts:/' };
    this.file = new StoreFile(this.path, () => emptyData(this.ctx.defaultArtifactRoot, this.ctx.now()));
  }

  /** Reads the file, or creates it. @throws TrackingError as {@link openJsonStore}. */
  async open(): Promise<this> {
    await this.file.open();
    return this;
  }

  async createExperiment(name: string, artifactLocation?: string, tags: Tag[] = []): Promise<string> {
    validateExperimentName(name);
    tags.forEach(validateExperimentTag);
    return this.file.write((data) => experiments.createExperiment(data, this.ctx, name, artifactLocation, tags));
  }
  async getExperiment(experimentId: string): Promise<Experiment> {
    return this.file.read((data) => toExperiment(experimentOf(data, experimentId)));
  }
  async getExperimentByName(name: string): Promise<Experiment | null> {
    return this.file.read((data) => {
      const found = Object.values(data.experiments).find((e) => e.name === String(name));
      return found === undefined ? null : toExperiment(found);
    });
  }
  async searchExperiments(request: SearchExperimentsRequest): Promise<Page<Experiment>> {
    return this.file.read((data) => search.searchExperiments(data, request));
  }
  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    validateExperimentName(newName);
    await this.file.write((data) => experiments.renameExperiment(data, this.ctx, experimentId, newName));
  }
  async deleteExperiment(experimentId: string): Promise<void> {
    await this.file.write((data) => experiments.setExperimentStage(data, this.ctx, experimentId, 'deleted'));
  }
  async restoreExperiment(experimentId: string): Promise<void> {
    await this.file.write((data) => experiments.setExperimentStage(data, this.ctx, experimentId, 'active'));
  }
  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    validateExperimentTag(tag);
    await this.file.write((data) => experiments.setExperimentTag(data, experimentId, tag));
  }
  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.file.write((data) => experiments.deleteExperimentTag(data, experimentId, key));
  }

  async createRun(request: CreateRunRequest): Promise<Run> {
    const checked = runs.checkNewRun(request);
    return this.file.write((data) => toRun(runs.createRun(data, this.ctx, request, checked)));
  }
  async getRun(runId: string): Promise<Run> {
    return this.file.read((data) => toRun(runOf(data, runId)));
  }
  async updateRun(runId: string, request: UpdateRunRequest): Promise<RunInfo> {
    runs.checkUpdate(request);
    return this.file.write((data) => toRunInfo(runs.updateRun(data, runId, request)));
  }
  async deleteRun(runId: string): Promise<void> {
    await this.file.write((data) => runs.setRunStage(data, this.ctx, runId, 'deleted'));
  }
  async restoreRun(runId: string): Promise<void> {
    await this.file.write((data) => runs.setRunStage(data, this.ctx, runId, 'active'));
  }
  async searchRuns(request: SearchRunsRequest): Promise<Page<Run>> {
    return this.file.read((data) => search.searchRuns(data, request));
  }

  async logBatch(runId: string, batch: LogBatchRequest): Promise<void> {
    const checked = checkBatch(batch);
    await this.file.write((data) => logging.logBatch(data, runId, checked));
  }
  async logMetric(runId: string, metric: Metric): Promise<void> {
    await this.logBatch(runId, { metrics: [metric] });
  }
  async logParam(runId: string, param: Param): Promise<void> {
    await this.logBatch(runId, { params: [param] });
  }
  async setTag(runId: string, tag: Tag): Promise<void> {
    await this.logBatch(runId, { tags: [tag] });
  }
  async deleteTag(runId: string, key: string): Promise<void> {
    await this.file.write((data) => logging.deleteTag(data, runId, key));
  }
  async getMetricHistory(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
    return this.file.read((data) => logging.getMetricHistory(data, runId, key, options));
  }
  async logInputs(runId: string, inputs: { datasets?: DatasetInput[]; models?: { modelId: string }[] }): Promise<void> {
    logging.checkInputs(inputs);
    await this.file.write((data) => logging.logInputs(data, runId, inputs));
  }
  async logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    logging.checkOutputs(models);
    await this.file.write((data) => logging.logOutputs(data, runId, models));
  }

  async createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel> {
    const checked = logged.checkNewLoggedModel(request);
    return this.file.write((data) => toLoggedModel(logged.createLoggedModel(data, this.ctx, request, checked)));
  }
  async getLoggedModel(modelId: string, options?: { allowDeleted?: boolean }): Promise<LoggedModel> {
    return this.file.read((data) => toLoggedModel(loggedModelOf(data, modelId, options?.allowDeleted ?? false)));
  }
  async finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    logged.checkStatus(status);
    return this.file.write((data) => toLoggedModel(logged.finalizeLoggedModel(data, this.ctx, modelId, status)));
  }
  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.file.write((data) => logged.deleteLoggedModel(data, this.ctx, modelId));
  }
  async searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>> {
    return this.file.read((data) => search.searchLoggedModels(data, request));
  }
  async setLoggedModelTags(modelId: string, tags: Tag[]): Promise<void> {
    const normalized = tags.map(normalizeRunTag);
    await this.file.write((data) => logged.setLoggedModelTags(data, modelId, normalized));
  }
  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    await this.file.write((data) => logged.deleteLoggedModelTag(data, modelId, key));
  }
  async logLoggedModelParams(modelId: string, params: Param[]): Promise<void> {
    const normalized = params.map(normalizeParam);
    await this.file.write((data) => logged.logLoggedModelParams(data, modelId, normalized));
  }

  /** Waits for this store's pending operations; nothing stays open between operations. Idempotent. */
  async close(): Promise<void> {
    await this.file.settled();
  }
}

/**
 * Opens the JSON tracking store at `path` (relative paths resolve against the cwd), creating the
 * file with experiment "0" "Default" when it is missing or empty (0 bytes). Several processes may
 * open the same file; each write holds the lock directory `<path>.lock` for its duration.
 * @throws TrackingError INVALID_PARAMETER_VALUE when the file is not valid JSON, is JSON but not an
 *   mlproject JSON store (no `"format": "mlproject-tracking-json"`), or has a newer format version;
 *   the file is then left byte for byte untouched. INTERNAL_ERROR when it cannot be read, created
 *   or locked (e.g. a directory without write permission).
 */
export async function openJsonStore(path: string, options: JsonStoreOptions = {}): Promise<JsonStore> {
  return new JsonStore(path, options).open();
}
