import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TrackingError } from '@mlproject/tracking';

/** The schema version this code writes (`PRAGMA user_version`). Bump it with a migration in {@link MIGRATIONS}. */
export const SCHEMA_VERSION = 2;
/** `PRAGMA application_id` marking a file as an mlproject tracking store ("MLPJ"). */
export const APPLICATION_ID = 0x4d4c504a;

const SQLITE_HEADER = 'SQLite format 3\0';

// Metric values: NaN is stored as value 0 with is_nan 1 (SQLite turns NaN into NULL);
// ±Infinity are stored as they are. Times are epoch ms.
const V1 = `
CREATE TABLE experiments (
  experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active',
  creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL
);
CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
);
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name TEXT NOT NULL, user_id TEXT NOT NULL, status TEXT NOT NULL,
  start_time INTEGER NOT NULL, end_time INTEGER,
  artifact_uri TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active', deleted_time INTEGER
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time);
CREATE TABLE params (
  run_id TEXT NOT NULL REFERENCES runs(run_id), key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE tags (
  run_id TEXT NOT NULL REFERENCES runs(run_id), key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs(run_id), key TEXT NOT NULL,
  value REAL NOT NULL, is_nan INTEGER NOT NULL, timestamp INTEGER NOT NULL, step INTEGER NOT NULL,
  model_id TEXT, dataset_name TEXT, dataset_digest TEXT,
  PRIMARY KEY (run_id, key, timestamp, step, value, is_nan)
);
CREATE TABLE latest_metrics (
  run_id TEXT NOT NULL REFERENCES runs(run_id), key TEXT NOT NULL,
  value REAL NOT NULL, is_nan INTEGER NOT NULL, timestamp INTEGER NOT NULL, step INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE run_dataset_inputs (
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  name TEXT NOT NULL, digest TEXT NOT NULL, source_type TEXT NOT NULL, source TEXT NOT NULL,
  schema TEXT, profile TEXT, tags_json TEXT NOT NULL, context TEXT,
  PRIMARY KEY (run_id, name, digest)
);
CREATE TABLE run_model_inputs (
  run_id TEXT NOT NULL REFERENCES runs(run_id), model_id TEXT NOT NULL,
  PRIMARY KEY (run_id, model_id)
);
CREATE TABLE run_model_outputs (
  run_id TEXT NOT NULL REFERENCES runs(run_id), model_id TEXT NOT NULL, step INTEGER NOT NULL,
  PRIMARY KEY (run_id, model_id, step)
);
CREATE TABLE logged_models (
  model_id TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name TEXT NOT NULL, artifact_uri TEXT NOT NULL, status TEXT NOT NULL,
  creation_timestamp INTEGER NOT NULL, last_updated_timestamp INTEGER NOT NULL,
  model_type TEXT, source_run_id TEXT,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_timestamp);
CREATE TABLE logged_model_tags (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id), key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);
CREATE TABLE logged_model_params (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id), key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);
CREATE TABLE logged_model_metrics (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id), key TEXT NOT NULL,
  value REAL NOT NULL, is_nan INTEGER NOT NULL, timestamp INTEGER NOT NULL, step INTEGER NOT NULL,
  run_id TEXT NOT NULL DEFAULT '', dataset_name TEXT NOT NULL DEFAULT '', dataset_digest TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (model_id, key, timestamp, step, value, is_nan, run_id, dataset_name, dataset_digest)
);
`;

// Version 2: metrics becomes a WITHOUT ROWID table clustered on its primary key, same columns and key.
// A run's history of one key is then one contiguous range holding every column, already in
// (timestamp, step, value, is_nan) order: no lookup per point into a separate table, no sort.
// The copy keeps every row; the key is unchanged, so the same points stay duplicates.
const V2 = `
CREATE TABLE metrics_v2 (
  run_id TEXT NOT NULL REFERENCES runs(run_id), key TEXT NOT NULL,
  value REAL NOT NULL, is_nan INTEGER NOT NULL, timestamp INTEGER NOT NULL, step INTEGER NOT NULL,
  model_id TEXT, dataset_name TEXT, dataset_digest TEXT,
  PRIMARY KEY (run_id, key, timestamp, step, value, is_nan)
) WITHOUT ROWID;
INSERT INTO metrics_v2 (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest)
  SELECT run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest FROM metrics
  ORDER BY run_id, key, timestamp, step, value, is_nan;
DROP TABLE metrics;
ALTER TABLE metrics_v2 RENAME TO metrics;
`;

/**
 * Migrations by target version, each run once, in order, inside the one transaction that opens an
 * older file: `MIGRATIONS[1]` creates the first schema. Never edit a released entry; add the next.
 */
export const MIGRATIONS: Readonly<Record<number, string>> = { 1: V1, 2: V2 };

function refuse(path: string, what: string, hint: string): TrackingError {
  return new TrackingError('INVALID_PARAMETER_VALUE', `Cannot use '${path}' as an mlproject tracking store: ${what}. ${hint}`);
}

/** Refuses a non-empty file that is not SQLite, before better-sqlite3 touches it. */
function checkHeader(path: string): void {
  if (path === ':memory:' || !existsSync(path) || statSync(path).size === 0) return;
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    if (header.toString('latin1') !== SQLITE_HEADER) {
      throw refuse(path, 'the file exists and is not a SQLite database', 'Point the tracking URI at a new file or an existing mlproject store.');
    }
  } finally {
    closeSync(fd);
  }
}

/** Refuses a SQLite file that belongs to something else (an MLflow database, another app, a newer mlproject). */
function checkOwner(db: Database.Database, path: string): number {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  const version = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (tables.includes('alembic_version')) {
    const revisions = db.prepare('SELECT COUNT(*) FROM alembic_version').pluck().get() as number;
    // An MLflow tool pointed at this store (`mlflow ui --backend-store-uri sqlite:///mlproject.db`)
    // tries to migrate it, fails on our schema and leaves an empty alembic_version table behind:
    // the store is intact, so it stays usable.
    if (appId !== APPLICATION_ID || revisions > 0) {
      throw refuse(path, appId === APPLICATION_ID
        ? `an MLflow tool has migrated this mlproject store (its alembic_version table holds ${revisions} revision${revisions === 1 ? '' : 's'})`
        : 'it is an MLflow tracking database (it has an alembic_version table)',
      'mlproject cannot read or write MLflow databases; point the tracking URI at a new file (use `mlproject server` to share a store with MLflow tools).');
    }
  }
  if (tables.length > 0 && appId !== APPLICATION_ID) {
    throw refuse(path, `it is a SQLite database of another application (tables: ${tables.slice(0, 5).join(', ')})`, 'Use a new file.');
  }
  if (version > SCHEMA_VERSION) {
    throw refuse(path, `its schema version ${version} is newer than this mlproject understands (${SCHEMA_VERSION})`, 'Upgrade mlproject.');
  }
  return version;
}

/**
 * Opens (creating if needed) a store file: WAL mode, a 10 s busy timeout so several processes can
 * share it, foreign keys on, schema migrated to {@link SCHEMA_VERSION}, experiment "0" "Default" seeded.
 * @throws TrackingError INVALID_PARAMETER_VALUE when the file is not SQLite, is an MLflow database,
 *   belongs to another application or has a newer schema.
 */
export function openDatabase(path: string, defaultArtifactRoot: string, now: () => number): Database.Database {
  checkHeader(path);
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (cause) {
    throw new TrackingError('INVALID_PARAMETER_VALUE', `Cannot open tracking store '${path}': ${(cause as Error).message}`, { cause });
  }
  try {
    db.pragma('busy_timeout = 10000');
    // Refuse a foreign file before anything below writes to it (even journal_mode changes its header).
    const found = checkOwner(db, path);
    setWal(db);
    // WAL + NORMAL: a commit is written to the -wal file (no fsync) before it returns, so a killed process
    // loses nothing committed; only power loss or an OS crash can lose the commits since the last checkpoint.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A current file needs no write: opening it must not wait for (or fail on) other processes' write lock.
    if (found < SCHEMA_VERSION) db.transaction(() => {
      const version = checkOwner(db, path);
      for (let v = version + 1; v <= SCHEMA_VERSION; v += 1) db.exec(MIGRATIONS[v] ?? '');
      if (version === 0) {
        const root = defaultArtifactRoot.endsWith('/') ? defaultArtifactRoot : `${defaultArtifactRoot}/`;
        const t = now();
        db.prepare('INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (0, ?, ?, ?, ?)')
          .run('Default', `${root}0`, t, t);
        db.pragma(`application_id = ${APPLICATION_ID}`);
      }
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  } catch (error) {
    db.close();
    throw asTrackingError(error, path);
  }
  return db;
}

/**
 * Switches to WAL. SQLite does not call the busy handler for this switch, so when several processes
 * open a new file at once it can fail with SQLITE_BUSY: retry for up to 10 s.
 */
function setWal(db: Database.Database): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt += 1) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= 200) throw error;
      Atomics.wait(pause, 0, 0, 50);
    }
  }
}

/** A damaged or unreadable file is the user's to fix: say which file and what SQLite said. */
function asTrackingError(error: unknown, path: string): unknown {
  const code = (error as { code?: string }).code;
  if (error instanceof TrackingError || typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  return new TrackingError('INVALID_PARAMETER_VALUE',
    `Cannot use tracking store '${path}': ${(error as Error).message} (${code})`, { cause: error });
}
