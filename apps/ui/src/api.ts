// The tracking server's REST API as the UI uses it: MLflow's `/ajax-api/2.0/mlflow/*` (the same
// prefix MLflow's own UI calls, `mlflow/server/js/src/common/utils/FetchUtils.ts`), `/get-artifact`
// and the artifact listing. Types follow the protobuf JSON of `mlflow/protos/service.proto`.

export interface KeyValue { key: string; value: string }
export interface Metric { key: string; value: number; timestamp: number; step: number }
export interface Experiment { experiment_id: string; name: string; lifecycle_stage?: string; last_update_time?: number }
export interface RunInfo {
  run_id: string; run_name?: string; experiment_id: string; user_id?: string; status: string;
  start_time?: number; end_time?: number; artifact_uri?: string; lifecycle_stage?: string;
}
export interface Run { info: RunInfo; data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] } }
export interface FileInfo { path: string; is_dir?: boolean; file_size?: number }

/** A refused call: `code` is MLflow's `error_code` (e.g. INVALID_PARAMETER_VALUE), `message` the server's words. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

const BASE = './ajax-api/2.0/mlflow';

/**
 * Every request of the UI goes through here, so that credentials (when the server asks for them)
 * are added in one place. Same arguments and result as `fetch`.
 */
export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, init);
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, 'BAD_RESPONSE', `${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const { error_code: code = 'INTERNAL_ERROR', message = response.statusText } = body as { error_code?: string; message?: string };
    throw new ApiError(response.status, code, message);
  }
  return body as T;
}

async function post<T>(path: string, body: object, signal?: AbortSignal): Promise<T> {
  return answer<T>(await apiFetch(`${BASE}/${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}),
  }));
}

async function get<T>(path: string, query: Record<string, string>): Promise<T> {
  return answer<T>(await apiFetch(`${BASE}/${path}?${new URLSearchParams(query).toString()}`));
}

/** Every active experiment (pages through `experiments/search`). */
export async function searchExperiments(): Promise<Experiment[]> {
  const all: Experiment[] = [];
  let token: string | undefined;
  do {
    const page = await post<{ experiments?: Experiment[]; next_page_token?: string }>('experiments/search', {
      max_results: 1000, order_by: ['last_update_time DESC'], ...(token ? { page_token: token } : {}),
    });
    all.push(...(page.experiments ?? []));
    token = page.next_page_token;
  } while (token);
  return all;
}

/** One experiment by ID. @throws ApiError RESOURCE_DOES_NOT_EXIST when there is none. */
export async function getExperiment(experimentId: string): Promise<Experiment> {
  return (await get<{ experiment: Experiment }>('experiments/get', { experiment_id: experimentId })).experiment;
}

export interface RunQuery { experimentIds: string[]; filter: string; orderBy: string[]; maxResults: number; pageToken?: string }

/** One page of `runs/search`. @throws ApiError with the server's message on a bad filter. */
export async function searchRuns(query: RunQuery, signal?: AbortSignal): Promise<{ runs: Run[]; nextPageToken?: string }> {
  const page = await post<{ runs?: Run[]; next_page_token?: string }>('runs/search', {
    experiment_ids: query.experimentIds, filter: query.filter, order_by: query.orderBy, max_results: query.maxResults,
    run_view_type: 'ACTIVE_ONLY', ...(query.pageToken ? { page_token: query.pageToken } : {}),
  }, signal);
  return { runs: page.runs ?? [], ...(page.next_page_token ? { nextPageToken: page.next_page_token } : {}) };
}

export async function getRun(runId: string): Promise<Run> {
  return (await get<{ run: Run }>('runs/get', { run_id: runId })).run;
}

/**
 * A metric's whole history in one request: without `max_results` the server returns every point
 * (as MLflow's `get-history` does), which for 100,000 points is one ~6 MB response instead of
 * four sequential 25,000-point pages.
 */
export async function getMetricHistory(runId: string, key: string): Promise<Metric[]> {
  const all: Metric[] = [];
  let token: string | undefined;
  do {
    const page = await get<{ metrics?: Metric[]; next_page_token?: string }>('metrics/get-history', {
      run_id: runId, metric_key: key, ...(token ? { page_token: token } : {}),
    });
    all.push(...(page.metrics ?? []));
    token = page.next_page_token;
  } while (token);
  return all;
}

export async function listArtifacts(runId: string, path = ''): Promise<FileInfo[]> {
  const query: Record<string, string> = { run_id: runId };
  if (path !== '') query['path'] = path;
  return (await get<{ files?: FileInfo[] }>('artifacts/list', query)).files ?? [];
}

/** URL of one artifact file, for links and previews. */
export function artifactUrl(runId: string, path: string): string {
  return `./get-artifact?${new URLSearchParams({ run_id: runId, path }).toString()}`;
}

/** An artifact file's bytes, or null when the run has none at `path`. @throws ApiError when refused. */
export async function artifactBlob(runId: string, path: string): Promise<Blob | null> {
  const response = await apiFetch(artifactUrl(runId, path));
  if (response.status === 404) return null;
  if (!response.ok) throw await answer<never>(response).catch((error: unknown) => error);
  return response.blob();
}

/** The text of an artifact file, or null when the run has none at `path`. @throws ApiError when refused. */
export async function artifactText(runId: string, path: string): Promise<string | null> {
  const blob = await artifactBlob(runId, path);
  return blob === null ? null : blob.text();
}
