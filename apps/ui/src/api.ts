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

/**
 * A metric value as a number: the server sends NaN and ±Infinity as the JSON strings "NaN",
 * "Infinity" and "-Infinity" (as MLflow does, JSON having no such numbers).
 */
export function metricNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

/** `metrics` with every value a number (see {@link metricNumber}); the array is changed in place. */
function numericMetrics<T extends { value: unknown }>(metrics: T[] | undefined): T[] | undefined {
  for (const m of metrics ?? []) m.value = metricNumber(m.value);
  return metrics;
}

function numericRun(run: Run): Run {
  numericMetrics(run.data.metrics);
  return run;
}

/** A refused call: `code` is MLflow's `error_code` (e.g. INVALID_PARAMETER_VALUE), `message` the server's words. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

const BASE = './ajax-api/2.0/mlflow';

/** The sessionStorage key of the signed-in credential (this tab only; never localStorage, never the URL). */
export const AUTH_KEY = 'mlproject.ui.auth';

/** What `apiFetch` sends when signed in: the whole `Authorization` value, and a Basic user's name for the header. */
export interface Credential { authorization: string; user?: string }

/** `Authorization: Bearer <token>`, as the `mlflow` client sends MLFLOW_TRACKING_TOKEN. */
export function tokenCredential(token: string): Credential {
  return { authorization: `Bearer ${token}` };
}

/** `Authorization: Basic base64(user:password)`, the password's UTF-8 bytes as the server decodes them. */
export function basicCredential(user: string, password: string): Credential {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return { authorization: `Basic ${btoa(String.fromCharCode(...bytes))}`, user };
}

/** Where the credential lives when sessionStorage cannot be used (storage disabled): this page only. */
let unstored: string | null = null;

/** The signed-in credential of this tab, or null. */
export function storedCredential(): Credential | null {
  let raw: string | null;
  try {
    raw = sessionStorage.getItem(AUTH_KEY);
  } catch {
    raw = unstored;
  }
  try {
    const value: unknown = raw === null ? null : JSON.parse(raw);
    const { authorization, user } = (value ?? {}) as Partial<Credential>;
    if (typeof authorization !== 'string' || !/^(Bearer|Basic) \S/.test(authorization)) return null;
    return typeof user === 'string' ? { authorization, user } : { authorization };
  } catch {
    return null;
  }
}

/** Keeps `credential` for this tab (sessionStorage `mlproject.ui.auth`), or forgets it (null). */
export function storeCredential(credential: Credential | null): void {
  const raw = credential === null ? null : JSON.stringify(credential);
  try {
    if (raw === null) sessionStorage.removeItem(AUTH_KEY);
    else sessionStorage.setItem(AUTH_KEY, raw);
  } catch {
    unstored = raw;
  }
}

/** The schemes a 401's `WWW-Authenticate` names; both when it names neither (a proxy's 401, say). */
export interface Challenge { bearer: boolean; basic: boolean }

type UnauthenticatedListener = (error: ApiError, sentWith: Credential | null, challenge: Challenge) => void;

function challengeOf(response: Response): Challenge {
  const header = (response.headers.get('WWW-Authenticate') ?? '').toLowerCase();
  const challenge = { bearer: /(^|,)\s*bearer\b/.test(header), basic: /(^|,)\s*basic\b/.test(header) };
  return challenge.bearer || challenge.basic ? challenge : { bearer: true, basic: true };
}
const unauthenticatedListeners = new Set<UnauthenticatedListener>();

/**
 * Calls `listener` on every 401 an `apiFetch` gets (after which its caller gets the refusal as
 * usual), with the server's error, the credential that was sent (null: none) and the schemes the
 * server takes (`mlproject server` names Basic only when it has users). A 401 to a request
 * sent with a credential other than the one stored now (signed in or out meanwhile) is stale and
 * not reported. Returns a function that removes the listener.
 */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function send(url: string, init: RequestInit, credential: Credential | null): Promise<Response> {
  const headers = new Headers(init.headers);
  if (credential !== null && !headers.has('Authorization')) headers.set('Authorization', credential.authorization);
  return fetch(url, { ...init, headers });
}

/**
 * Every request of the UI goes through here: it adds the stored credential (`Authorization`), and
 * reports a 401 to the `onUnauthenticated` listeners (the sign-in panel). Same arguments and result
 * as `fetch`; an `Authorization` header in `init` is kept.
 */
export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const credential = storedCredential();
  const response = await send(url, init, credential);
  if (response.status === 401 && storedCredential()?.authorization === credential?.authorization) {
    const error = await answer<never>(response.clone()).catch((refusal: unknown) => refusal);
    if (error instanceof ApiError) for (const listener of unauthenticatedListeners) listener(error, credential, challengeOf(response));
  }
  return response;
}

/**
 * Asks the server whether `credential` is accepted (one `experiments/search` of one experiment),
 * without storing it and without telling the `onUnauthenticated` listeners.
 * @throws ApiError with the server's message when refused (401 UNAUTHENTICATED, e.g.
 *   "Credentials refused: wrong token"), or for any other failed answer.
 */
export async function checkCredential(credential: Credential): Promise<void> {
  await answer<unknown>(await send(`${BASE}/experiments/search?max_results=1`, {}, credential));
}

/**
 * The JSON body of an answer (`{}` when empty).
 * @throws ApiError with the server's `error_code` and message when it is not 2xx, or BAD_RESPONSE
 *   when the body is not JSON.
 */
export async function answer<T>(response: Response): Promise<T> {
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
  return { runs: (page.runs ?? []).map(numericRun), ...(page.next_page_token ? { nextPageToken: page.next_page_token } : {}) };
}

export async function getRun(runId: string): Promise<Run> {
  return numericRun((await get<{ run: Run }>('runs/get', { run_id: runId })).run);
}

/** `metrics/get-history`'s page token for `offset` points in (MLflow's SQL store format, base64 of `{"offset": N}`). */
export function offsetToken(offset: number): string {
  return btoa(JSON.stringify({ offset }));
}

/**
 * A metric's whole history (or from point `fromOffset` on) in one request: without `max_results`
 * the server returns every point (as MLflow's `get-history` does), which for 100,000 points is one
 * ~8 MB response instead of four sequential 25,000-point pages.
 * @throws ApiError when refused (a page token the server does not take: INVALID_PARAMETER_VALUE).
 */
export async function getMetricHistory(runId: string, key: string, fromOffset = 0): Promise<Metric[]> {
  const all: Metric[] = [];
  let token: string | undefined = fromOffset > 0 ? offsetToken(fromOffset) : undefined;
  do {
    const page = await get<{ metrics?: Metric[]; next_page_token?: string }>('metrics/get-history', {
      run_id: runId, metric_key: key, ...(token ? { page_token: token } : {}),
    });
    all.push(...(numericMetrics(page.metrics) ?? []));
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
