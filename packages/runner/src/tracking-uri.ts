import path from 'node:path';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import type { TrackingStore } from '@mlproject/tracking';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { RunnerError } from './errors.js';

/** The default store file, created in the current directory (like MLflow 3.7+'s `mlflow.db`). */
export const DEFAULT_STORE_FILE = 'mlproject.db';

/** A tracking store opened from a tracking URI, with where its artifacts live. */
export interface OpenedStore {
  store: TrackingStore;
  /** The tracking URI, made absolute: `sqlite:////abs/dir/mlproject.db`. */
  uri: string;
  /** Absolute directory that `mlflow-artifacts:/` maps to: `<store dir>/mlartifacts`. */
  artifactsDestination: string;
}

/**
 * Picks the tracking URI: the explicit option, else `MLFLOW_TRACKING_URI`, else
 * `sqlite:///mlproject.db` in `cwd` (MLflow: `mlflow/tracking/_tracking_service/utils.py::get_tracking_uri`).
 */
export function resolveTrackingUri(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  return explicit ?? env['MLFLOW_TRACKING_URI'] ?? `sqlite:///${DEFAULT_STORE_FILE}`;
}

/** File names a plain-path tracking URI may have: anything else is more likely a typo or an MLflow habit. */
const SQLITE_SUFFIX = /\.(db|sqlite|sqlite3)$/i;

function uriError(uri: string, what: string, hint: string): RunnerError {
  return new RunnerError('ERR_MLPROJECT_RUN_TRACKING_URI', `Tracking URI '${uri}' ${what}`, { hint });
}

/**
 * Turns a tracking URI into an absolute SQLite file path. Accepts `sqlite:///rel/path.db`
 * (relative to `cwd`), `sqlite:////abs/path.db` and a plain path ending in `.db`, `.sqlite` or
 * `.sqlite3`. Unlike MLflow, a relative path is made absolute here, so every process of a run
 * (whatever its working directory) sees the same store.
 * @throws RunnerError ERR_MLPROJECT_RUN_TRACKING_URI for other schemes (http, databricks, file
 *   stores), a path that is a directory, or a plain path without a SQLite file name.
 */
export function sqlitePathFromUri(uri: string, cwd: string): string {
  const sqliteHint = 'use sqlite:///path/to/file.db, or leave it unset for ./mlproject.db';
  let file: string;
  const match = /^sqlite:\/\/\/(.*)$/.exec(uri);
  if (match) {
    const rest = match[1] ?? '';
    if (rest === '' || rest === ':memory:') throw uriError(uri, 'names no database file', sqliteHint);
    file = path.resolve(cwd, rest);
  } else if (/^sqlite:/i.test(uri)) {
    throw uriError(uri, 'is not a valid SQLite URI (it needs three slashes)', sqliteHint);
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) {
    throw uriError(uri, 'is not supported yet: this build stores runs in SQLite files only', sqliteHint);
  } else if (!SQLITE_SUFFIX.test(uri)) {
    throw uriError(uri, 'is not a SQLite file name (.db, .sqlite or .sqlite3)', sqliteHint);
  } else {
    file = path.resolve(cwd, uri);
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw uriError(uri, `names a directory (${file}), not a SQLite file`, sqliteHint);
  }
  return file;
}

/**
 * Opens the store a tracking URI names. With `create` (the default, for `run`) the file and its
 * directory are created if missing; without it (read-only commands) a missing store is an error,
 * so looking never leaves a new file behind.
 * @throws RunnerError ERR_MLPROJECT_RUN_TRACKING_URI (unsupported URI, or no store when `create` is false);
 *   TrackingError from the store (a file that is not an mlproject store).
 */
export function openStore(uri: string, cwd: string, options: { create?: boolean } = {}): OpenedStore {
  const file = sqlitePathFromUri(uri, cwd);
  if (options.create === false && !existsSync(file)) {
    throw new RunnerError('ERR_MLPROJECT_RUN_TRACKING_URI', `No tracking store at ${file}`, {
      hint: 'run a project first, or pass --tracking-uri (or set MLFLOW_TRACKING_URI) to the store you used',
    });
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const store = openSqliteStore(file);
  return { store, uri: `sqlite:///${file}`, artifactsDestination: path.join(path.dirname(file), 'mlartifacts') };
}
