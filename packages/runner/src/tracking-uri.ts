import os from 'node:os';
import path from 'node:path';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import type { TrackingStore } from '@mlproject/tracking';
import type { RetryInfo } from '@mlproject/tracking-rest';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { localArtifacts, remoteArtifacts, type ArtifactAccess } from './artifacts.js';
import { RunnerError } from './errors.js';

/** The default store file, created in the current directory (like MLflow 3.7+'s `mlflow.db`). */
export const DEFAULT_STORE_FILE = 'mlproject.db';

/**
 * Where a tracking URI points, before anything is opened:
 * - `sqlite`: `sqlite:///rel.db`, `sqlite:////abs.db`, or a plain path ending `.db`/`.sqlite`/`.sqlite3`;
 * - `json`: `json:///rel.json`, `json:////abs.json`, or a plain path ending `.json` (one lowdb file);
 * - `postgres`: `postgresql://`, `postgres://`, `postgresql+<driver>://` (SQLAlchemy style, as MLflow takes);
 * - `rest`: `http://` or `https://`, an MLflow-compatible tracking server.
 */
export type StoreTarget =
  | { kind: 'sqlite'; file: string; uri: string }
  | { kind: 'json'; file: string; uri: string }
  | { kind: 'postgres'; url: string; uri: string }
  | { kind: 'rest'; url: string; uri: string };

/** A tracking store opened from a tracking URI, with access to its runs' artifacts. */
export interface OpenedStore {
  store: TrackingStore;
  /** What the store is, with absolute paths; passwords in URLs are masked. */
  target: StoreTarget;
  /** The tracking URI, made absolute (`sqlite:////abs/dir/mlproject.db`); passwords masked. */
  uri: string;
  /**
   * Local directory that `mlflow-artifacts:/` maps to: `<store dir>/mlartifacts` for file stores,
   * `MLFLOW_ARTIFACTS_DESTINATION` or {@link postgresArtifactsDir} for PostgreSQL; null for a remote server,
   * which keeps its own.
   */
  artifactsDestination: string | null;
  /** Reads and writes run artifacts wherever the store keeps them. */
  artifacts: ArtifactAccess;
}

/**
 * Picks the tracking URI: the explicit option, else `MLFLOW_TRACKING_URI`, else
 * `sqlite:///mlproject.db` in `cwd` (MLflow: `mlflow/tracking/_tracking_service/utils.py::get_tracking_uri`).
 */
export function resolveTrackingUri(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  void cwd;
  return explicit ?? env['MLFLOW_TRACKING_URI'] ?? `sqlite:///${DEFAULT_STORE_FILE}`;
}

/** How long the first call to a remote server may take before it counts as unreachable, ms. */
const PROBE_TIMEOUT_MS = 15_000;
const SQLITE_SUFFIX = /\.(db|sqlite|sqlite3)$/i;
const HINT = 'use sqlite:///file.db (the default is ./mlproject.db), json:///file.json, postgresql://user@host/db or http://host:port';

function uriError(uri: string, what: string, hint = HINT): RunnerError {
  return new RunnerError('ERR_MLPROJECT_RUN_TRACKING_URI', `Tracking URI '${uri}' ${what}`, { hint });
}

/** `postgresql://user:secret@host/db` -> `postgresql://user:***@host/db`. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

function fileTarget(kind: 'sqlite' | 'json', uri: string, rest: string, cwd: string): StoreTarget {
  if (rest === '' || rest === ':memory:') throw uriError(uri, 'names no file');
  const file = path.resolve(cwd, rest);
  if (existsSync(file) && statSync(file).isDirectory()) throw uriError(uri, `names a directory (${file}), not a ${kind === 'json' ? 'JSON' : 'SQLite'} file`);
  return { kind, file, uri: `${kind}:///${file}` };
}

/**
 * Classifies a tracking URI (see {@link StoreTarget}); relative paths are made absolute against
 * `cwd`, so every process of a run (whatever its working directory) sees the same store.
 * @throws RunnerError ERR_MLPROJECT_RUN_TRACKING_URI for anything else: MLflow's `./mlruns` file
 *   store, `databricks`, a path that is a directory, a bare word.
 */
export function storeTarget(uri: string, cwd: string): StoreTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'sqlite' || scheme === 'json') {
    const match = /^[a-z]+:\/\/\/(.*)$/i.exec(uri);
    if (!match) throw uriError(uri, `is not a valid ${scheme} URI (it needs three slashes: ${scheme}:///path)`);
    return fileTarget(scheme, uri, match[1] ?? '', cwd);
  }
  if (scheme === 'postgresql' || scheme === 'postgres' || scheme?.startsWith('postgresql+')) {
    return { kind: 'postgres', url: uri, uri: maskPassword(uri) };
  }
  if (scheme === 'http' || scheme === 'https') {
    return { kind: 'rest', url: uri.replace(/\/+$/, ''), uri: maskPassword(uri.replace(/\/+$/, '')) };
  }
  if (scheme === 'file' || (scheme === undefined && /(^|\/)mlruns\/?$/.test(uri))) {
    throw uriError(uri, 'is an MLflow file store (mlruns/), which mlproject does not write', 'use sqlite:///mlproject.db, or `mlflow server` over that directory and http://host:port');
  }
  if (scheme !== undefined && scheme.length > 1) throw uriError(uri, `uses a scheme this build cannot store to (${scheme}:)`);
  if (SQLITE_SUFFIX.test(uri)) return fileTarget('sqlite', uri, uri, cwd);
  if (/\.json$/i.test(uri)) return fileTarget('json', uri, uri, cwd);
  throw uriError(uri, 'is not a store: expected a URI or a file name ending .db, .sqlite, .sqlite3 or .json');
}

/**
 * Turns a tracking URI into an absolute SQLite file path (see {@link storeTarget}).
 * @throws RunnerError ERR_MLPROJECT_RUN_TRACKING_URI when the URI names anything but a SQLite file.
 */
export function sqlitePathFromUri(uri: string, cwd: string): string {
  const target = storeTarget(uri, cwd);
  if (target.kind !== 'sqlite') throw uriError(uri, `is a ${target.kind} store, not a SQLite file`);
  return target.file;
}

/**
 * Where runs logged straight to a PostgreSQL store keep their artifacts when
 * `MLFLOW_ARTIFACTS_DESTINATION` is unset: one directory per database, the same from any working
 * directory, `${XDG_DATA_HOME:-~/.local/share}/mlproject/artifacts/<host>_<port>_<database>`. (MLflow
 * writes them to `./mlruns` of whatever directory the command ran in.) For a team, serve the
 * database with `mlproject server` instead, so artifacts live in one place.
 */
export function postgresArtifactsDir(url: string, env: NodeJS.ProcessEnv): string {
  let id = 'postgres';
  try {
    const parsed = new URL(url.replace(/^postgres(ql)?(\+[a-z0-9]+)?:/i, 'postgresql:'));
    id = [parsed.hostname || 'localhost', parsed.port || '5432', decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres']
      .join('_').replace(/[^A-Za-z0-9._-]/g, '-');
  } catch {
    // An unparsable URL fails when the store opens; the directory name does not matter then.
  }
  const dataHome = env['XDG_DATA_HOME'] || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'mlproject', 'artifacts', id);
}

/**
 * Opens the store a tracking URI names. With `create` (the default, for `run` and `server`) a
 * missing store file and its directory are created; without it (read-only commands) a missing
 * file is an error, so looking never leaves a new file behind.
 * @param options.artifactsDestination overrides where `mlflow-artifacts:/` maps (`server --artifacts-destination`).
 * @param options.onRetry called before each retry of a remote server's request (not during the first
 *   quick probe, which does not retry), so the caller can say the server is not answering.
 * @throws RunnerError ERR_MLPROJECT_RUN_TRACKING_URI (unsupported URI, no store when `create` is
 *   false); TrackingError from the store (a file or database that is not an mlproject store, a
 *   server that cannot be reached or refuses the credentials).
 */
export async function openStore(
  uri: string,
  cwd: string,
  options: { create?: boolean; env?: NodeJS.ProcessEnv; artifactsDestination?: string; onRetry?: (info: RetryInfo) => void } = {},
): Promise<OpenedStore> {
  const target = storeTarget(uri, cwd);
  const env = options.env ?? process.env;
  const opened = (store: TrackingStore, artifactsDestination: string | null, artifacts: ArtifactAccess): OpenedStore =>
    ({ store, target, uri: target.uri, artifactsDestination, artifacts });
  if (target.kind === 'sqlite' || target.kind === 'json') {
    if (options.create === false && !existsSync(target.file)) {
      throw new RunnerError('ERR_MLPROJECT_RUN_TRACKING_URI', `No tracking store at ${target.file}`, {
        hint: 'run a project first, or pass --tracking-uri (or set MLFLOW_TRACKING_URI) to the store you used',
      });
    }
    mkdirSync(path.dirname(target.file), { recursive: true });
    const destination = options.artifactsDestination ?? path.join(path.dirname(target.file), 'mlartifacts');
    const store = target.kind === 'sqlite'
      ? openSqliteStore(target.file)
      : await (await import('@mlproject/tracking-json')).openJsonStore(target.file);
    return opened(store, destination, localArtifacts(destination));
  }
  if (target.kind === 'postgres') {
    const destination = options.artifactsDestination
      ?? (env['MLFLOW_ARTIFACTS_DESTINATION'] ? path.resolve(cwd, env['MLFLOW_ARTIFACTS_DESTINATION']) : postgresArtifactsDir(target.url, env));
    const store = await (await import('@mlproject/tracking-postgres')).openPostgresStore(target.url);
    return opened(store, destination, localArtifacts(destination));
  }
  const rest = await import('@mlproject/tracking-rest');
  const restOptions = { ...rest.restOptionsFromEnv(env), ...(options.onRetry ? { onRetry: options.onRetry } : {}) };
  // One quick call first: a server that is down or refuses the credentials is reported in
  // seconds, not after MLflow's 7 retries with backoff (minutes); later calls retry as MLflow does.
  const probe = rest.openRestStore(target.url, { ...restOptions, retries: 0, timeoutMs: Math.min(restOptions.timeoutMs ?? PROBE_TIMEOUT_MS, PROBE_TIMEOUT_MS) });
  try {
    await probe.searchExperiments({ maxResults: 1 });
  } finally {
    await probe.close();
  }
  const store = rest.openRestStore(target.url, restOptions);
  return opened(store, null, remoteArtifacts(rest.openRestArtifacts(target.url, restOptions)));
}
