import { TrackingError, experimentIdOf, invalidParameter } from '@mlproject/tracking';
import type { Queryable } from './db.js';
import type { ExperimentRow, LoggedModelRow, RunRow } from './rows.js';

/**
 * Row lookups that raise MLflow's errors. `lock` adds a row lock held until the transaction ends:
 * `share` keeps an experiment from being deleted while a run is created in it; `update` (FOR NO KEY
 * UPDATE) makes writers to the same run or model queue, so each sees the others' committed rows.
 */
export type RowLock = 'none' | 'share' | 'update';

const LOCK_SQL: Record<RowLock, string> = { none: '', share: ' FOR SHARE', update: ' FOR NO KEY UPDATE' };

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE for a non-integer ID. */
export async function experimentRow(q: Queryable, experimentId: string, lock: RowLock = 'none'): Promise<ExperimentRow> {
  const id = experimentIdOf(experimentId);
  const { rows } = await q.query<ExperimentRow>(`SELECT * FROM experiments WHERE experiment_id = $1${LOCK_SQL[lock]}`, [id]);
  const row = rows[0];
  if (row === undefined) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
  return row;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST, or INVALID_PARAMETER_VALUE when the experiment is deleted. */
export async function activeExperimentRow(q: Queryable, experimentId: string, lock: RowLock = 'none'): Promise<ExperimentRow> {
  const row = await experimentRow(q, experimentId, lock);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return row;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export async function runRow(q: Queryable, runId: string, lock: RowLock = 'none'): Promise<RunRow> {
  const { rows } = await q.query<RunRow>(`SELECT * FROM runs WHERE run_id = $1${LOCK_SQL[lock]}`, [String(runId)]);
  const row = rows[0];
  if (row === undefined) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
  return row;
}

/**
 * A run that may be written to, locked for this transaction, as `SqlAlchemyStore._check_run_is_active`.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST, or INVALID_PARAMETER_VALUE when the run is deleted.
 */
export async function lockActiveRun(q: Queryable, runId: string): Promise<RunRow> {
  const row = await runRow(q, runId, 'update');
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return row;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST (also for a deleted model unless `allowDeleted`). */
export async function loggedModelRow(q: Queryable, modelId: string, allowDeleted = false, lock: RowLock = 'none'): Promise<LoggedModelRow> {
  const { rows } = await q.query<LoggedModelRow>(`SELECT * FROM logged_models WHERE model_id = $1${LOCK_SQL[lock]}`, [String(modelId)]);
  const row = rows[0];
  if (row === undefined || (!allowDeleted && row.lifecycle_stage !== 'active')) throw modelNotFound(modelId);
  return row;
}

export function modelNotFound(modelId: string): TrackingError {
  return new TrackingError('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found.`);
}
