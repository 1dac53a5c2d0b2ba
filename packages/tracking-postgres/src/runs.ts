import {
  RUN_NAME_TAG, RUN_STATUSES, chooseRunName, invalidParameter, joinArtifactUri, newRunId, normalizeRunTag,
  type CreateRunRequest, type Run, type RunInfo, type Tag, type UpdateRunRequest,
} from '@mlproject/tracking';
import { activeExperimentRow, lockActiveRun, runRow } from './context.js';
import { write, type Ctx, type Queryable } from './db.js';
import { loadRuns, toRunInfo } from './rows.js';


/** Upserts run tags (keys distinct) in one statement. */
export async function upsertRunTags(q: Queryable, runId: string, tags: Map<string, string>): Promise<void> {
  if (tags.size === 0) return;
  await q.query(
    `INSERT INTO tags (run_id, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[])
     ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
    [runId, [...tags.keys()], [...tags.values()]],
  );
}

/**
 * As `SqlAlchemyStore.create_run`: RUNNING, active, ID of 32 hex, artifact URI
 * `<experiment artifact location>/<run ID>/artifacts`; name from `runName`, else the
 * `mlflow.runName` tag, else random, and that tag always stored equal to the name. An empty
 * experiment ID means "0". `startTime` in ms (the store's clock when it is not an integer).
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (experiment), INVALID_PARAMETER_VALUE (deleted
 *   experiment, bad tag, name and tag disagree).
 */
export async function createRun(ctx: Ctx, request: CreateRunRequest): Promise<Run> {
  const tags = new Map((request.tags ?? []).map(normalizeRunTag).map((t: Tag) => [t.key, t.value]));
  const name = chooseRunName(request.runName, tags.get(RUN_NAME_TAG));
  tags.set(RUN_NAME_TAG, name);
  return write(ctx, async (q) => {
    const experiment = await activeExperimentRow(q, request.experimentId === '' ? '0' : request.experimentId, 'share');
    const runId = newRunId();
    const startTime = Number.isSafeInteger(request.startTime) ? request.startTime : ctx.now();
    await q.query(
      `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
       VALUES ($1, $2, $3, $4, 'RUNNING', $5, NULL, $6, 'active')`,
      [runId, experiment.experiment_id, name, request.userId ?? '', startTime, joinArtifactUri(experiment.artifact_location, runId, 'artifacts')],
    );
    await upsertRunTags(q, runId, tags);
    const [run] = await loadRuns(q, [await runRow(q, runId)]);
    return run as Run;
  });
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST. Deleted runs are returned too. */
export async function getRun(ctx: Ctx, runId: string): Promise<Run> {
  const [run] = await loadRuns(ctx.pool, [await runRow(ctx.pool, runId)]);
  return run as Run;
}

/**
 * Changes only the fields given (`SqlAlchemyStore.update_run_info`); no status transition rules.
 * A non-empty name also upserts the `mlflow.runName` tag.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE (deleted run, bad status or end time).
 */
export async function updateRun(ctx: Ctx, runId: string, request: UpdateRunRequest): Promise<RunInfo> {
  if (request.status !== undefined && !RUN_STATUSES.includes(request.status)) {
    throw invalidParameter(`Invalid run status '${String(request.status)}'; expected one of ${RUN_STATUSES.join(', ')}.`);
  }
  if (request.endTime !== undefined && !Number.isSafeInteger(request.endTime)) {
    throw invalidParameter(`Invalid end_time ${String(request.endTime)}: expected integer milliseconds.`);
  }
  return write(ctx, async (q) => {
    await lockActiveRun(q, runId);
    await q.query('UPDATE runs SET status = COALESCE($2, status), end_time = COALESCE($3, end_time) WHERE run_id = $1',
      [runId, request.status ?? null, request.endTime ?? null]);
    if (request.runName !== undefined && request.runName !== '') await renameRun(q, runId, request.runName);
    return toRunInfo(await runRow(q, runId));
  });
}

/** Sets the run name and its `mlflow.runName` tag together (inside the caller's transaction). */
export async function renameRun(q: Queryable, runId: string, name: string): Promise<void> {
  const tag = normalizeRunTag({ key: RUN_NAME_TAG, value: name });
  await q.query('UPDATE runs SET name = $1 WHERE run_id = $2', [tag.value, runId]);
  await upsertRunTags(q, runId, new Map([[RUN_NAME_TAG, tag.value]]));
}

/** Soft delete / restore (`SqlAlchemyStore.delete_run` / `restore_run`). @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export async function setRunStage(ctx: Ctx, runId: string, stage: 'active' | 'deleted'): Promise<void> {
  await write(ctx, async (q) => {
    await runRow(q, runId, 'update');
    await q.query('UPDATE runs SET lifecycle_stage = $1, deleted_time = $2 WHERE run_id = $3', [stage, stage === 'deleted' ? ctx.now() : null, runId]);
  });
}
