import type {
  CreateLoggedModelRequest, CreateRunRequest, DatasetInput, Experiment, LoggedModel, LoggedModelStatus, LogBatchRequest, Metric, Page, Param,
  Run, RunInfo, SearchExperimentsRequest, SearchLoggedModelsRequest, SearchRunsRequest, Tag, TrackingStore, UpdateRunRequest,
} from '@mlproject/tracking';
import { RestArtifacts } from './artifacts.js';
import {
  datasetInputJson, list, metricJson, obj, readExperiment, readLoggedModel, readMetric, readRun, readRunInfo, str, tagsJson,
} from './codec.js';
import { RestTrackingError } from './errors.js';
import { HttpClient, type HttpRequest } from './http.js';
import type { RestStoreOptions } from './options.js';

const API = '/api/2.0/mlflow';
const MODELS = `${API}/logged-models`;
const enc = encodeURIComponent;

type Body = Record<string, unknown>;
const page = <T>(items: T[], token: string | undefined): Page<T> => (token ? { items, nextPageToken: token } : { items });

/**
 * A `TrackingStore` that is a client of a remote MLflow-compatible tracking server over MLflow's REST
 * API 2.0, sending the JSON the Python client sends (`mlflow/store/tracking/rest_store.py`). Server
 * refusals become TrackingError with the server's `error_code` and message (see {@link RestTrackingError}).
 */
export class RestStore implements TrackingStore {
  readonly uri: string;
  /** The artifact client, sharing this store's URL, credentials and retry settings. */
  readonly artifacts: RestArtifacts;
  private readonly http: HttpClient;

  constructor(url: string, options: RestStoreOptions = {}) {
    this.http = new HttpClient(url, options);
    this.uri = this.http.baseUrl;
    this.artifacts = new RestArtifacts(url, options);
  }

  private get(path: string, query: NonNullable<HttpRequest['query']>): Promise<Body> {
    return this.http.json({ method: 'GET', path: `${API}${path}`, query, idempotent: true });
  }

  private post(path: string, json: Body, idempotent = true): Promise<Body> {
    return this.http.json({ method: 'POST', path: `${API}${path}`, json, idempotent });
  }

  /** A logged-model call: an MLflow 2.x server has no such endpoints (404 ENDPOINT_NOT_FOUND). */
  private async models(request: Omit<HttpRequest, 'path'> & { path?: string }, what = 'logged models'): Promise<Body> {
    try {
      return await this.http.json({ ...request, path: `${MODELS}${request.path ?? ''}` });
    } catch (error) {
      if (error instanceof RestTrackingError && error.errorCode === 'ENDPOINT_NOT_FOUND') {
        throw new RestTrackingError('NOT_IMPLEMENTED', `The tracking server at ${this.uri} does not support ${what} (MLflow 3 endpoints; it answered ${error.httpStatus ?? 404} ENDPOINT_NOT_FOUND for ${request.method} ${new URL(error.url).pathname}): upgrade it to MLflow 3 or later.`, {
          url: error.url, ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }), serverErrorCode: 'ENDPOINT_NOT_FOUND', cause: error,
        });
      }
      throw error;
    }
  }

  async createExperiment(name: string, artifactLocation?: string, tags: Tag[] = []): Promise<string> {
    const body: Body = { name, tags: tagsJson(tags) };
    if (artifactLocation !== undefined) body.artifact_location = artifactLocation;
    return str(await this.post('/experiments/create', body, false), 'experiment_id') ?? '';
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return readExperiment(obj(await this.get('/experiments/get', { experiment_id: experimentId }), 'experiment'));
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    try {
      return readExperiment(obj(await this.get('/experiments/get-by-name', { experiment_name: name }), 'experiment'));
    } catch (error) {
      if (error instanceof RestTrackingError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw error;
    }
  }

  async searchExperiments(request: SearchExperimentsRequest): Promise<Page<Experiment>> {
    const body: Body = { max_results: request.maxResults ?? 1000, order_by: request.orderBy ?? [] };
    if (request.filter !== undefined) body.filter = request.filter;
    if (request.viewType !== undefined) body.view_type = request.viewType;
    if (request.pageToken !== undefined) body.page_token = request.pageToken;
    const answer = await this.post('/experiments/search', body);
    return page(list(answer, 'experiments').map(readExperiment), str(answer, 'next_page_token'));
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.post('/experiments/update', { experiment_id: experimentId, new_name: newName }, false);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.post('/experiments/delete', { experiment_id: experimentId }, false);
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.post('/experiments/restore', { experiment_id: experimentId }, false);
  }

  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    await this.post('/experiments/set-experiment-tag', { experiment_id: experimentId, key: tag.key, value: tag.value });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.post('/experiments/delete-experiment-tag', { experiment_id: experimentId, key }, false);
  }

  async createRun(request: CreateRunRequest): Promise<Run> {
    const body: Body = { experiment_id: request.experimentId, user_id: request.userId, start_time: request.startTime, tags: tagsJson(request.tags) };
    if (request.runName !== undefined) body.run_name = request.runName;
    return readRun(obj(await this.post('/runs/create', body, false), 'run'));
  }

  async getRun(runId: string): Promise<Run> {
    return readRun(obj(await this.get('/runs/get', { run_id: runId }), 'run'));
  }

  async updateRun(runId: string, request: UpdateRunRequest): Promise<RunInfo> {
    const body: Body = { run_id: runId, run_uuid: runId };
    if (request.status !== undefined) body.status = request.status;
    if (request.endTime !== undefined) body.end_time = request.endTime;
    if (request.runName !== undefined) body.run_name = request.runName;
    return readRunInfo(obj(await this.post('/runs/update', body), 'run_info'));
  }

  async deleteRun(runId: string): Promise<void> {
    await this.post('/runs/delete', { run_id: runId }, false);
  }

  async restoreRun(runId: string): Promise<void> {
    await this.post('/runs/restore', { run_id: runId }, false);
  }

  async searchRuns(request: SearchRunsRequest): Promise<Page<Run>> {
    const body: Body = { experiment_ids: request.experimentIds, max_results: request.maxResults ?? 1000, order_by: request.orderBy ?? [] };
    if (request.filter !== undefined) body.filter = request.filter;
    if (request.viewType !== undefined) body.run_view_type = request.viewType;
    if (request.pageToken !== undefined) body.page_token = request.pageToken;
    const answer = await this.post('/runs/search', body);
    return page(list(answer, 'runs').map(readRun), str(answer, 'next_page_token'));
  }

  async logBatch(runId: string, batch: LogBatchRequest): Promise<void> {
    await this.post('/runs/log-batch', {
      run_id: runId, metrics: (batch.metrics ?? []).map(metricJson), params: tagsJson(batch.params ?? []), tags: tagsJson(batch.tags ?? []),
    });
  }

  async logMetric(runId: string, metric: Metric): Promise<void> {
    await this.post('/runs/log-metric', { run_id: runId, run_uuid: runId, ...metricJson(metric) });
  }

  async logParam(runId: string, param: Param): Promise<void> {
    await this.post('/runs/log-parameter', { run_id: runId, run_uuid: runId, key: param.key, value: param.value });
  }

  async setTag(runId: string, tag: Tag): Promise<void> {
    await this.post('/runs/set-tag', { run_id: runId, run_uuid: runId, key: tag.key, value: tag.value });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.post('/runs/delete-tag', { run_id: runId, key }, false);
  }

  async getMetricHistory(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
    const answer = await this.get('/metrics/get-history', {
      run_id: runId, run_uuid: runId, metric_key: key, max_results: options.maxResults, page_token: options.pageToken,
    });
    return page(list(answer, 'metrics').map(readMetric), str(answer, 'next_page_token'));
  }

  async logInputs(runId: string, inputs: { datasets?: DatasetInput[]; models?: { modelId: string }[] }): Promise<void> {
    await this.post('/runs/log-inputs', {
      run_id: runId, datasets: (inputs.datasets ?? []).map(datasetInputJson), models: (inputs.models ?? []).map((m) => ({ model_id: m.modelId })),
    });
  }

  async logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    try {
      await this.post('/runs/outputs', { run_id: runId, models: models.map((m) => ({ model_id: m.modelId, step: m.step })) });
    } catch (error) {
      if (!(error instanceof RestTrackingError && error.errorCode === 'ENDPOINT_NOT_FOUND')) throw error;
      throw new RestTrackingError('NOT_IMPLEMENTED', `The tracking server at ${this.uri} does not support run outputs (MLflow 3 endpoint runs/outputs): upgrade it to MLflow 3 or later.`, { url: error.url, serverErrorCode: 'ENDPOINT_NOT_FOUND', cause: error });
    }
  }

  async createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel> {
    const body: Body = { experiment_id: request.experimentId, params: tagsJson(request.params ?? []), tags: tagsJson(request.tags ?? []) };
    if (request.name !== undefined) body.name = request.name;
    if (request.modelType !== undefined) body.model_type = request.modelType;
    if (request.sourceRunId !== undefined) body.source_run_id = request.sourceRunId;
    return readLoggedModel(obj(await this.models({ method: 'POST', json: body, idempotent: false }), 'model'));
  }

  /**
   * The wire format carries no lifecycle stage, so with `allowDeleted` a model is first asked for
   * without it; only when that answers RESOURCE_DOES_NOT_EXIST is it asked for with `allow_deleted=true`
   * and, if found, read as deleted.
   */
  async getLoggedModel(modelId: string, options: { allowDeleted?: boolean } = {}): Promise<LoggedModel> {
    const get = (allowDeleted: boolean): Promise<Body> => this.models({
      method: 'GET', path: `/${enc(modelId)}`, ...(allowDeleted ? { query: { allow_deleted: 'true' } } : {}), idempotent: true,
    });
    try {
      return readLoggedModel(obj(await get(false), 'model'));
    } catch (error) {
      if (!options.allowDeleted || !(error instanceof RestTrackingError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) throw error;
      return readLoggedModel(obj(await get(true), 'model'), 'deleted');
    }
  }

  async finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    const answer = await this.models({ method: 'PATCH', path: `/${enc(modelId)}`, json: { model_id: modelId, status }, idempotent: true });
    return readLoggedModel(obj(answer, 'model'));
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.models({ method: 'DELETE', path: `/${enc(modelId)}`, json: { model_id: modelId }, idempotent: false });
  }

  async searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>> {
    const body: Body = {
      experiment_ids: request.experimentIds,
      order_by: (request.orderBy ?? []).map((o) => ({ field_name: o.fieldName, ...(o.ascending === undefined ? {} : { ascending: o.ascending }) })),
    };
    if (request.filter !== undefined) body.filter = request.filter;
    if (request.maxResults !== undefined) body.max_results = request.maxResults;
    if (request.pageToken !== undefined) body.page_token = request.pageToken;
    const answer = await this.models({ method: 'POST', path: '/search', json: body, idempotent: true });
    return page(list(answer, 'models').map((m) => readLoggedModel(m)), str(answer, 'next_page_token'));
  }

  async setLoggedModelTags(modelId: string, tags: Tag[]): Promise<void> {
    await this.models({ method: 'PATCH', path: `/${enc(modelId)}/tags`, json: { model_id: modelId, tags: tagsJson(tags) }, idempotent: true });
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    await this.models({ method: 'DELETE', path: `/${enc(modelId)}/tags/${enc(key)}`, idempotent: false });
  }

  async logLoggedModelParams(modelId: string, params: Param[]): Promise<void> {
    await this.models({ method: 'POST', path: `/${enc(modelId)}/params`, json: { model_id: modelId, params: tagsJson(params) }, idempotent: true });
  }

  /** Nothing to release: each request is its own; kept for the interface. */
  async close(): Promise<void> {}
}

/**
 * Opens a REST store on a tracking server, e.g. `openRestStore('http://127.0.0.1:5000', restOptionsFromEnv())`.
 * Makes no request: an unreachable server shows on the first call.
 * @param url `http(s)://host[:port][/prefix]` (what `mlflow server` prints); `user:password@` becomes Basic auth.
 * @throws TrackingError INVALID_PARAMETER_VALUE when `url` is not an http(s) URL or options are out of range.
 */
export function openRestStore(url: string, options: RestStoreOptions = {}): RestStore {
  return new RestStore(url, options);
}
