import path from 'node:path';
import { mkdirSync } from 'node:fs';
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

/**
 * Turns a tracking URI into an absolute SQLite file path. Accepts `sqlite:///rel/path.db`
 * (relative to `cwd`), `sqlite:////abs/path.db` and a plain file path. Unlike MLflow, a relative
 * path is made absolute here, so the run's child (whose cwd is the project dir) sees the same store.
 * @throws RunnerError ERR_MLPROJECT_RUN_TRACKING_URI for schemes this build cannot store to.
 */
export function sqlitePathFromUri(uri: string, cwd: string): string {
  const match = /^sqlite:\/\/\/(.*)$/.exec(uri);
  if (match) {
    const rest = match[1] ?? '';
    if (rest === '' || rest === ':memory:') {
      throw new RunnerError('ERR_MLPROJECT_RUN_TRACKING_URI', `Tracking URI ${uri} names no database file`, {
        hint: 'use sqlite:///path/to/file.db',
      });
    }
    return path.resolve(cwd, rest);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) {
    throw new RunnerError('ERR_MLPROJECT_RUN_TRACKING_URI', `Tracking URI ${uri} is not supported yet: only SQLite stores are`, {
      hint: 'use --tracking-uri sqlite:///path/to/file.db, or leave it unset for ./mlproject.db',
    });
  }
  return path.resolve(cwd, uri);
}

/**
 * Opens the store a tracking URI names; the store file and its directory are created if missing.
 * @throws RunnerError ERR_MLPROJECT_RUN_TRACKING_URI (unsupported scheme), TrackingError from the store.
 */
export function openStore(uri: string, cwd: string): OpenedStore {
  const file = sqlitePathFromUri(uri, cwd);
  mkdirSync(path.dirname(file), { recursive: true });
  const store = openSqliteStore(file);
  return { store, uri: `sqlite:///${file}`, artifactsDestination: path.join(path.dirname(file), 'mlartifacts') };
}
