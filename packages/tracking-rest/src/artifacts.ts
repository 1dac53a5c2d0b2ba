import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrackingError } from '@mlproject/tracking';
import { int, list, str } from './codec.js';
import { RestTrackingError } from './errors.js';
import { HttpClient } from './http.js';
import type { RestStoreOptions } from './options.js';

/** One entry of an artifact directory; `path` is relative to the artifact URI listed, with `/`. */
export interface ArtifactFileInfo {
  path: string;
  isDir: boolean;
  /** bytes; absent for directories. */
  fileSize?: number;
}

const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;

/**
 * Checks a path relative to an artifact URI and returns it normalised (no empty or `.` segments).
 * @throws TrackingError INVALID_PARAMETER_VALUE for `..` segments, absolute paths, backslashes or NUL,
 *   and for an empty path unless `allowEmpty`.
 */
export function checkRelativePath(relPath: string, options: { allowEmpty?: boolean } = {}): string {
  const absolute = relPath.startsWith('/') || /^[A-Za-z]:/.test(relPath);
  const segments = relPath.split('/');
  if (absolute || relPath.includes('\\') || relPath.includes('\0') || segments.includes('..')) {
    throw new TrackingError('INVALID_PARAMETER_VALUE', `Invalid artifact path '${relPath}': expected a relative path with / separators and no '..' segments.`);
  }
  const clean = segments.filter((s) => s !== '' && s !== '.').join('/');
  if (clean === '' && !options.allowEmpty) throw new TrackingError('INVALID_PARAMETER_VALUE', `Invalid artifact path '${relPath}': it names no file.`);
  return clean;
}

const joinPath = (...parts: string[]): string => parts.filter((p) => p !== '').join('/');
const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');
const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

type Target = { kind: 'local'; root: string } | { kind: 'rest'; http: HttpClient; baseUrl: string; root: string };

/**
 * Reads and writes a run's (or logged model's) artifacts by artifact URI, as the Python client's
 * artifact repositories do: `mlflow-artifacts:/<path>` and `mlflow-artifacts://host:port/<path>` go to
 * the tracking server's artifact service (`mlflow/store/artifact/mlflow_artifacts_repo.py`: the host, if
 * given, replaces the tracking URI's; its scheme and path prefix stay); local paths and `file://` URIs
 * are the local file system (`local_artifact_repo.py`). Other stores (s3://, gs://, ...) are refused.
 */
export class RestArtifacts {
  private readonly tracking: HttpClient | undefined;
  private readonly others = new Map<string, HttpClient>();

  /**
   * @param trackingUri the tracking server `mlflow-artifacts:/` URIs without a host refer to; may be
   *   undefined when only local paths (or URIs with a host) are used.
   * @throws TrackingError INVALID_PARAMETER_VALUE when `trackingUri` is not an http(s) URL.
   */
  constructor(trackingUri: string | undefined, private readonly options: RestStoreOptions = {}) {
    this.tracking = trackingUri === undefined ? undefined : new HttpClient(trackingUri, options);
  }

  private target(artifactUri: string): Target {
    const scheme = SCHEME.exec(artifactUri)?.[1]?.toLowerCase();
    if (scheme === undefined) return { kind: 'local', root: resolve(artifactUri) };
    if (scheme === 'file') return { kind: 'local', root: fileURLToPath(artifactUri) };
    if (scheme !== 'mlflow-artifacts') {
      throw new TrackingError('NOT_IMPLEMENTED', `Artifact store ${scheme}:// is not supported (artifact URI '${artifactUri}'): use a server that proxies artifacts (mlflow server --serve-artifacts, giving mlflow-artifacts:/ URIs) or a local path.`);
    }
    let rest = artifactUri.slice('mlflow-artifacts:'.length);
    let host = '';
    if (rest.startsWith('//')) {
      host = rest.slice(2).split('/')[0] ?? '';
      rest = rest.slice(2 + host.length);
    }
    const root = checkRelativePath(decodeURIComponent(rest).replace(/^\/+/, ''), { allowEmpty: true });
    if (host === '') {
      if (this.tracking === undefined) {
        throw new TrackingError('INVALID_PARAMETER_VALUE', `Artifact URI '${artifactUri}' names no server: give the tracking URI (--tracking-uri or MLFLOW_TRACKING_URI) of the server that serves it.`);
      }
      return { kind: 'rest', http: this.tracking, baseUrl: this.tracking.baseUrl, root };
    }
    const tracking = this.tracking === undefined ? new URL('http://localhost') : new URL(this.tracking.baseUrl);
    const baseUrl = `${tracking.protocol}//${host}${tracking.pathname.replace(/\/$/, '')}`;
    if (this.tracking !== undefined) return { kind: 'rest', http: this.tracking, baseUrl, root };
    let http = this.others.get(baseUrl);
    if (http === undefined) this.others.set(baseUrl, (http = new HttpClient(baseUrl, this.options)));
    return { kind: 'rest', http, baseUrl, root };
  }

  /**
   * Writes `data` (a string is UTF-8) to `relPath` under `artifactUri`, replacing any file there;
   * missing directories are created. Over REST: one `PUT .../mlflow-artifacts/artifacts/<path>`.
   * @throws TrackingError INVALID_PARAMETER_VALUE for a bad `relPath`, NOT_IMPLEMENTED for an
   *   unsupported store, or the server's error as RestTrackingError.
   */
  async upload(artifactUri: string, relPath: string, data: Buffer | string): Promise<void> {
    const rel = checkRelativePath(relPath);
    const t = this.target(artifactUri);
    if (t.kind === 'local') {
      const file = join(t.root, rel);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, data);
      return;
    }
    const response = await t.http.send({ method: 'PUT', baseUrl: t.baseUrl, path: `${ARTIFACTS_API}/${encodePath(joinPath(t.root, rel))}`, body: data, idempotent: true });
    // Read the answer to the end: an unread body keeps the connection busy (and a server's close waiting).
    await response.arrayBuffer();
  }

  /**
   * Reads the file at `relPath` under `artifactUri`.
   * @throws TrackingError RESOURCE_DOES_NOT_EXIST when there is no such file, otherwise as {@link upload}.
   */
  async download(artifactUri: string, relPath: string): Promise<Buffer> {
    const rel = checkRelativePath(relPath);
    const t = this.target(artifactUri);
    if (t.kind === 'local') {
      try {
        return await readFile(join(t.root, rel));
      } catch (error) {
        if (errno(error) === 'ENOENT' || errno(error) === 'EISDIR') {
          throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Artifact '${rel}' does not exist under ${artifactUri}.`, { cause: error });
        }
        throw error;
      }
    }
    try {
      const response = await t.http.send({ method: 'GET', baseUrl: t.baseUrl, path: `${ARTIFACTS_API}/${encodePath(joinPath(t.root, rel))}`, idempotent: true });
      return Buffer.from(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof RestTrackingError && error.httpStatus === 404 && error.errorCode !== 'RESOURCE_DOES_NOT_EXIST') {
        throw new RestTrackingError('RESOURCE_DOES_NOT_EXIST', `Artifact '${rel}' does not exist under ${artifactUri} (${error.message})`, { url: error.url, httpStatus: 404, cause: error });
      }
      throw error;
    }
  }

  /**
   * Lists one directory level under `artifactUri` (`relDir` default its root), sorted by path; a
   * missing directory (or a file) lists as empty, as MLflow's artifact repositories.
   * @throws TrackingError as {@link upload}.
   */
  async list(artifactUri: string, relDir = ''): Promise<ArtifactFileInfo[]> {
    const rel = checkRelativePath(relDir, { allowEmpty: true });
    const t = this.target(artifactUri);
    const infos = t.kind === 'local' ? await listLocal(join(t.root, rel), rel) : await this.listRest(t, rel);
    return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private async listRest(t: Extract<Target, { kind: 'rest' }>, rel: string): Promise<ArtifactFileInfo[]> {
    const answer = await t.http.json({ method: 'GET', baseUrl: t.baseUrl, path: ARTIFACTS_API, query: { path: joinPath(t.root, rel) }, idempotent: true });
    return list(answer, 'files').map((f) => {
      // The real server answers entry names; take the last segment in case a server sends full paths.
      const name = (str(f, 'path') ?? '').split('/').filter(Boolean).pop() ?? '';
      const isDir = f.is_dir === true || f.isDir === true;
      const size = int(f, 'file_size');
      return { path: joinPath(rel, name), isDir, ...(isDir || size === undefined ? {} : { fileSize: size }) };
    }).filter((f) => f.path !== rel);
  }
}

async function listLocal(dir: string, rel: string): Promise<ArtifactFileInfo[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return [];
    throw error;
  }
  return Promise.all(entries.map(async (e): Promise<ArtifactFileInfo> => {
    const path = joinPath(rel, e.name);
    if (e.isDirectory()) return { path, isDir: true };
    return { path, isDir: false, fileSize: (await stat(join(dir, e.name))).size };
  }));
}

/**
 * An artifact client on its own, e.g. for the runner: `openRestArtifacts(trackingUri, restOptionsFromEnv())`.
 * @param trackingUri the tracking server for `mlflow-artifacts:/` URIs; undefined for local paths only.
 */
export function openRestArtifacts(trackingUri: string | undefined, options: RestStoreOptions = {}): RestArtifacts {
  return new RestArtifacts(trackingUri, options);
}
