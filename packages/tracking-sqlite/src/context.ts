import type Database from 'better-sqlite3';
import { TrackingError, experimentIdOf, invalidParameter } from '@mlproject/tracking';
import type { ExperimentRow, LoggedModelRow, RunRow } from './rows.js';

/** What every store operation needs: the connection, a clock (epoch ms) and the default artifact root. */
export interface Ctx {
  db: Database.Database;
  now: () => number;
  defaultArtifactRoot: string;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export function experimentRow(ctx: Ctx, experimentId: string): ExperimentRow {
  const row = ctx.db.prepare('SELECT * FROM experiments WHERE experiment_id = ?').get(experimentIdOf(experimentId)) as ExperimentRow | undefined;
  if (row === undefined) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
  return row;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST, or INVALID_PARAMETER_VALUE when the experiment is deleted. */
export function activeExperimentRow(ctx: Ctx, experimentId: string): ExperimentRow {
  const row = experimentRow(ctx, experimentId);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return row;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export function runRow(ctx: Ctx, runId: string): RunRow {
  const row = ctx.db.prepare('SELECT * FROM runs WHERE run_id = ?').get(String(runId)) as RunRow | undefined;
  if (row === undefined) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
  return row;
}

/**
 * A run that may be written to, as `SqlAlchemyStore._check_run_is_active`.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST, or INVALID_PARAMETER_VALUE when the run is deleted.
 */
export function activeRunRow(ctx: Ctx, runId: string): RunRow {
  const row = runRow(ctx, runId);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return row;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST (also for a deleted model unless `allowDeleted`). */
export function loggedModelRow(ctx: Ctx, modelId: string, allowDeleted = false): LoggedModelRow {
  const row = ctx.db.prepare('SELECT * FROM logged_models WHERE model_id = ?').get(String(modelId)) as LoggedModelRow | undefined;
  if (row === undefined || (!allowDeleted && row.lifecycle_stage !== 'active')) {
    throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found.`);
  }
  return row;
}

/** How long a write waits in all for other processes' write locks, in ms (each BEGIN waits up to the 10 s busy timeout). */
export const WRITE_LOCK_WAIT_MS = 60_000;

/**
 * Runs `fn` in a write transaction (BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout).
 * SQLite's busy handler polls instead of queueing, so with many writers one can lose the lock for the
 * whole busy timeout (seen with 32-48 processes on 2 cores); its BEGIN then fails with SQLITE_BUSY having
 * done nothing, and is retried until {@link WRITE_LOCK_WAIT_MS}.
 * @throws TrackingError TEMPORARILY_UNAVAILABLE when the file stayed locked that long.
 */
export function write<T>(ctx: Ctx, fn: () => T): T {
  const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
  for (;;) {
    let began = false;
    try {
      return ctx.db.transaction(() => ((began = true), fn())).immediate();
    } catch (error) {
      if (began || (error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      if (Date.now() >= deadline) {
        throw new TrackingError('TEMPORARILY_UNAVAILABLE',
          `The tracking store '${ctx.db.name}' stayed locked by other writers for ${WRITE_LOCK_WAIT_MS / 1000} s; retry, or look for a process holding it.`,
          { cause: error });
      }
    }
  }
}
