import { TrackingError, experimentIdOf, invalidParameter } from '@mlproject/tracking';
import { own, type StoreData, type StoredExperiment, type StoredLoggedModel, type StoredRun } from './format.js';

/** What every operation needs besides the data: a clock (epoch ms) and the default artifact root. */
export interface Ctx {
  now: () => number;
  defaultArtifactRoot: string;
}

/**
 * @throws TrackingError INVALID_PARAMETER_VALUE for an ID that is not an integer,
 *   RESOURCE_DOES_NOT_EXIST for an unknown one.
 */
export function experimentOf(data: StoreData, experimentId: string): StoredExperiment {
  const experiment = own(data.experiments, String(experimentIdOf(experimentId)));
  if (experiment === undefined) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
  return experiment;
}

/** @throws TrackingError as {@link experimentOf}, or INVALID_PARAMETER_VALUE when the experiment is deleted. */
export function activeExperimentOf(data: StoreData, experimentId: string): StoredExperiment {
  const experiment = experimentOf(data, experimentId);
  if (experiment.lifecycleStage !== 'active') {
    throw invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`);
  }
  return experiment;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export function runOf(data: StoreData, runId: string): StoredRun {
  const run = own(data.runs, String(runId));
  if (run === undefined) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
  return run;
}

/**
 * A run that may be written to, as `SqlAlchemyStore._check_run_is_active`.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST, or INVALID_PARAMETER_VALUE when the run is deleted.
 */
export function activeRunOf(data: StoreData, runId: string): StoredRun {
  const run = runOf(data, runId);
  if (run.lifecycleStage !== 'active') {
    throw invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${run.lifecycleStage}.`);
  }
  return run;
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST (also for a deleted model unless `allowDeleted`). */
export function loggedModelOf(data: StoreData, modelId: string, allowDeleted = false): StoredLoggedModel {
  const model = own(data.loggedModels, String(modelId));
  if (model === undefined || (!allowDeleted && model.lifecycleStage !== 'active')) {
    throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found.`);
  }
  return model;
}

/** Sets `key` to `value` in a key/value list: replaces the entry or appends one. */
export function upsert(list: { key: string; value: string }[], key: string, value: string): void {
  const found = list.find((entry) => entry.key === key);
  if (found) found.value = value;
  else list.push({ key, value });
}

/** Removes `key` from a key/value list; false when it was not there. */
export function remove(list: { key: string; value: string }[], key: string): boolean {
  const index = list.findIndex((entry) => entry.key === key);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}
