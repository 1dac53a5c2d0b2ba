import {
  RUN_NAME_TAG, RUN_STATUSES, chooseRunName, invalidParameter, joinArtifactUri, newRunId, normalizeRunTag,
  type CreateRunRequest, type Tag, type UpdateRunRequest,
} from '@mlproject/tracking';
import type { StoreData, StoredRun } from './format.js';
import { activeExperimentOf, activeRunOf, runOf, upsert, type Ctx } from './lookup.js';

/** A new run's name and tags: the checks of `SqlAlchemyStore.create_run`, done before any lock is taken. */
export interface NewRun {
  name: string;
  tags: Tag[];
}

/**
 * The name is `runName`, else the `mlflow.runName` tag, else random; the tag is always set to it.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a bad tag or when name and tag disagree.
 */
export function checkNewRun(request: CreateRunRequest): NewRun {
  const tags: Tag[] = [];
  for (const tag of (request.tags ?? []).map(normalizeRunTag)) upsert(tags, tag.key, tag.value);
  const name = chooseRunName(request.runName, tags.find((t) => t.key === RUN_NAME_TAG)?.value);
  upsert(tags, RUN_NAME_TAG, name);
  return { name, tags };
}

/**
 * As `SqlAlchemyStore.create_run`: RUNNING, active, 32-hex ID, artifact URI
 * `<experiment artifact location>/<run ID>/artifacts`. An empty experiment ID means "0".
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (experiment), INVALID_PARAMETER_VALUE (deleted experiment).
 */
export function createRun(data: StoreData, ctx: Ctx, request: CreateRunRequest, checked: NewRun): StoredRun {
  const experiment = activeExperimentOf(data, request.experimentId === '' ? '0' : request.experimentId);
  const runId = newRunId();
  const run: StoredRun = {
    runId,
    experimentId: experiment.experimentId,
    runName: checked.name,
    userId: request.userId ?? '',
    status: 'RUNNING',
    startTime: Number.isSafeInteger(request.startTime) ? request.startTime : ctx.now(),
    endTime: null,
    artifactUri: joinArtifactUri(experiment.artifactLocation, runId, 'artifacts'),
    lifecycleStage: 'active',
    deletedTime: null,
    params: [],
    tags: checked.tags,
    metrics: [],
    datasetInputs: [],
    modelInputs: [],
    modelOutputs: [],
  };
  data.runs[runId] = run;
  return run;
}

/** Checks an update before any lock is taken. @throws TrackingError INVALID_PARAMETER_VALUE */
export function checkUpdate(request: UpdateRunRequest): void {
  if (request.status !== undefined && !RUN_STATUSES.includes(request.status)) {
    throw invalidParameter(`Invalid run status '${String(request.status)}'; expected one of ${RUN_STATUSES.join(', ')}.`);
  }
  if (request.endTime !== undefined && !Number.isSafeInteger(request.endTime)) {
    throw invalidParameter(`Invalid end_time ${String(request.endTime)}: expected integer milliseconds.`);
  }
}

/**
 * Changes only the fields given (`SqlAlchemyStore.update_run_info`); no status transition rules.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE (deleted run).
 */
export function updateRun(data: StoreData, runId: string, request: UpdateRunRequest): StoredRun {
  const run = activeRunOf(data, runId);
  if (request.status !== undefined) run.status = request.status;
  if (request.endTime !== undefined) run.endTime = request.endTime;
  if (request.runName !== undefined && request.runName !== '') renameRun(run, request.runName);
  return run;
}

/** Sets the run name and its `mlflow.runName` tag together. */
export function renameRun(run: StoredRun, name: string): void {
  const tag = normalizeRunTag({ key: RUN_NAME_TAG, value: name });
  run.runName = tag.value;
  upsert(run.tags, RUN_NAME_TAG, tag.value);
}

/** Soft delete / restore (`SqlAlchemyStore.delete_run` / `restore_run`). @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export function setRunStage(data: StoreData, ctx: Ctx, runId: string, stage: 'active' | 'deleted'): void {
  const run = runOf(data, runId);
  run.lifecycleStage = stage;
  run.deletedTime = stage === 'deleted' ? ctx.now() : null;
}
