import {
  RUN_NAME_TAG, RUN_STATUSES, chooseRunName, invalidParameter, joinArtifactUri, newRunId, normalizeRunTag,
  type CreateRunRequest, type Run, type RunInfo, type UpdateRunRequest,
} from '@mlproject/tracking';
import { activeExperimentRow, activeRunRow, runRow, write, type Ctx } from './context.js';
import { toRun, toRunInfo } from './rows.js';

/**
 * As `SqlAlchemyStore.create_run`: RUNNING, active, ID of 32 hex, name from `runName`, else the
 * `mlflow.runName` tag, else random; the tag is always stored equal to the name. An empty
 * experiment ID means "0".
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (experiment), INVALID_PARAMETER_VALUE (deleted
 *   experiment, bad tag, name and tag disagree).
 */
export function createRun(ctx: Ctx, request: CreateRunRequest): Run {
  const tags = new Map((request.tags ?? []).map(normalizeRunTag).map((t) => [t.key, t.value]));
  const name = chooseRunName(request.runName, tags.get(RUN_NAME_TAG));
  tags.set(RUN_NAME_TAG, name);
  return write(ctx, () => {
    const experiment = activeExperimentRow(ctx, request.experimentId === '' ? '0' : request.experimentId);
    const runId = newRunId();
    const startTime = Number.isSafeInteger(request.startTime) ? request.startTime : ctx.now();
    ctx.db.prepare(
      `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
       VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active')`,
    ).run(runId, experiment.experiment_id, name, request.userId ?? '', startTime,
      joinArtifactUri(experiment.artifact_location, runId, 'artifacts'));
    const insertTag = ctx.db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
    for (const [key, value] of tags) insertTag.run(runId, key, value);
    return toRun(ctx.db, runRow(ctx, runId));
  });
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST. Deleted runs are returned too. */
export function getRun(ctx: Ctx, runId: string): Run {
  return toRun(ctx.db, runRow(ctx, runId));
}

/**
 * Changes only the fields given (`SqlAlchemyStore.update_run_info`); no status transition rules.
 * A non-empty name also upserts the `mlflow.runName` tag.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE (deleted run, bad status).
 */
export function updateRun(ctx: Ctx, runId: string, request: UpdateRunRequest): RunInfo {
  if (request.status !== undefined && !RUN_STATUSES.includes(request.status)) {
    throw invalidParameter(`Invalid run status '${String(request.status)}'; expected one of ${RUN_STATUSES.join(', ')}.`);
  }
  if (request.endTime !== undefined && !Number.isSafeInteger(request.endTime)) {
    throw invalidParameter(`Invalid end_time ${String(request.endTime)}: expected integer milliseconds.`);
  }
  return write(ctx, () => {
    activeRunRow(ctx, runId);
    if (request.status !== undefined) ctx.db.prepare('UPDATE runs SET status = ? WHERE run_id = ?').run(request.status, runId);
    if (request.endTime !== undefined) ctx.db.prepare('UPDATE runs SET end_time = ? WHERE run_id = ?').run(request.endTime, runId);
    if (request.runName !== undefined && request.runName !== '') renameRun(ctx, runId, request.runName);
    return toRunInfo(runRow(ctx, runId));
  });
}

/** Sets the run name and its `mlflow.runName` tag together (inside the caller's transaction). */
export function renameRun(ctx: Ctx, runId: string, name: string): void {
  const tag = normalizeRunTag({ key: RUN_NAME_TAG, value: name });
  ctx.db.prepare('UPDATE runs SET name = ? WHERE run_id = ?').run(tag.value, runId);
  ctx.db.prepare('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)').run(runId, RUN_NAME_TAG, tag.value);
}

/** Soft delete / restore (`SqlAlchemyStore.delete_run` / `restore_run`). @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export function setRunStage(ctx: Ctx, runId: string, stage: 'active' | 'deleted'): void {
  write(ctx, () => {
    runRow(ctx, runId);
    ctx.db.prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_id = ?')
      .run(stage, stage === 'deleted' ? ctx.now() : null, runId);
  });
}
