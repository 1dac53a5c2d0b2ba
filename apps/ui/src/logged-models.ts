// The MLflow 3 logged models of a run, and their files. With mlflow 3.x, `log_model` makes a logged
// model of its own (`POST logged-models`) whose files live under the model's artifact URI
// (`mlflow-artifacts:/<experiment>/models/<model id>/artifacts`), not under the run's artifact root;
// the run only names it in `outputs.model_outputs`, and the model names the run in `source_run_id`.
// The files are read through the server's mlflow-artifacts service (list and download by path).
import { ApiError, answer, apiFetch, type FileInfo, type KeyValue, type Run } from './api.js';
import type { ArtifactSource } from './artifact-browser.js';

export interface LoggedModel {
  model_id: string;
  name?: string;
  experiment_id?: string;
  artifact_uri?: string;
  status?: string;
  source_run_id?: string;
  model_type?: string;
  creation_timestamp_ms?: number;
  tags?: KeyValue[];
  params?: KeyValue[];
}

/** A run as `runs/get` answers it, with the MLflow 3 model outputs that api.ts's `Run` leaves out. */
type RunWithOutputs = Run & { outputs?: { model_outputs?: { model_id: string; step?: number }[] } };

const BASE = './ajax-api/2.0';

const json = async <T>(url: string, init: RequestInit = {}): Promise<T> => answer<T>(await apiFetch(url, init));

type ModelAnswer = { info?: LoggedModel } & Partial<LoggedModel>;
// The server answers `{model: {info: {...}, data: {...}}}` as MLflow does; older shapes put the fields at the top.
const modelOf = (m: ModelAnswer): LoggedModel => (m.info ?? m) as LoggedModel;

/**
 * The logged models a run produced: those its `outputs.model_outputs` names (fetched one by one with
 * `GET logged-models/<id>`) and those whose `source_run_id` is the run (`POST logged-models/search`
 * in the run's experiment), each once, in creation order.
 * @throws ApiError when the server refuses a call (a model named by the run but deleted is left out).
 */
export async function runLoggedModels(run: Run): Promise<LoggedModel[]> {
  const runId = run.info.run_id;
  const found = new Map<string, LoggedModel>();
  const search = await json<{ models?: ModelAnswer[] }>(`${BASE}/mlflow/logged-models/search`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ experiment_ids: [run.info.experiment_id], filter: `source_run_id = '${runId}'`, max_results: 100 }),
  });
  for (const m of (search.models ?? []).map(modelOf)) found.set(m.model_id, m);
  const outputs = (run as RunWithOutputs).outputs?.model_outputs ?? [];
  for (const { model_id: id } of outputs) {
    if (found.has(id)) continue;
    const answer = await json<{ model: ModelAnswer }>(`${BASE}/mlflow/logged-models/${encodeURIComponent(id)}`).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    });
    if (answer) found.set(id, modelOf(answer.model));
  }
  return [...found.values()].sort((a, b) => (a.creation_timestamp_ms ?? 0) - (b.creation_timestamp_ms ?? 0));
}

/** `0/models/m-1/artifacts` for `mlflow-artifacts:/0/models/m-1/artifacts` (also `mlflow-artifacts://host:port/...`); null for other URIs. */
export function servedArtifactRoot(artifactUri: string | undefined): string | null {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri ?? '');
  return match ? (match[1] ?? '').replace(/\/+$/, '') : null;
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/**
 * The files of a logged model through the mlflow-artifacts service, or null when its artifact URI is
 * not one this server serves (`s3://...`, a local path): the UI can then only show the URI.
 */
export function modelArtifactSource(model: LoggedModel): ArtifactSource | null {
  const root = servedArtifactRoot(model.artifact_uri);
  if (root === null) return null;
  const under = (path: string): string => (path === '' ? root : `${root}/${path}`);
  return {
    async list(path: string): Promise<FileInfo[]> {
      const answer = await json<{ files?: FileInfo[] }>(`${BASE}/mlflow-artifacts/artifacts?${new URLSearchParams({ path: under(path) }).toString()}`);
      // This service lists names relative to the directory asked for; the browser wants paths from the model's root.
      return (answer.files ?? []).map((f) => ({ ...f, path: path === '' ? f.path : `${path}/${f.path}` }));
    },
    async blob(path: string): Promise<Blob | null> {
      const response = await apiFetch(`${BASE}/mlflow-artifacts/artifacts/${encodePath(under(path))}`);
      if (response.status === 404) return null;
      return response.ok ? response.blob() : answer<never>(response);
    },
  };
}
