import {
  TrackingError, invalidParameter, joinArtifactUri, newLoggedModelId, normalizeParam, normalizeRunTag,
  paramChangedError, randomName, validateLoggedModelName,
  type CreateLoggedModelRequest, type LoggedModel, type LoggedModelStatus, type Param, type Tag,
} from '@mlproject/tracking';
import { activeExperimentRow, loggedModelRow } from './context.js';
import { write, type Ctx, type Queryable } from './db.js';
import { insertParamsOnce } from './logging.js';
import { loadLoggedModels } from './rows.js';

const SETTABLE_STATUSES: readonly LoggedModelStatus[] = ['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'];

async function upsertTags(q: Queryable, modelId: string, tags: Tag[]): Promise<void> {
  if (tags.length === 0) return;
  const last = new Map(tags.map((t) => [t.key, t.value]));
  await q.query(
    `INSERT INTO logged_model_tags (model_id, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[])
     ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value`,
    [modelId, [...last.keys()], [...last.values()]],
  );
}

/** Params of a model are write-once like run params; the first changed one is refused, as MLflow. */
async function insertParams(q: Queryable, modelId: string, params: Param[]): Promise<void> {
  const [first] = await insertParamsOnce(q, 'logged_model_params', modelId, params);
  if (first !== undefined) throw paramChangedError(`model ID='${modelId}'`, [first]);
}

async function reload(q: Queryable, modelId: string, allowDeleted = false): Promise<LoggedModel> {
  const [model] = await loadLoggedModels(q, [await loggedModelRow(q, modelId, allowDeleted)]);
  return model as LoggedModel;
}

/**
 * As `SqlAlchemyStore.create_logged_model`: ID `m-` + 32 hex, status LOGGED_MODEL_PENDING, artifact
 * URI `<experiment artifact location>/models/<id>/artifacts`, random name when none is given.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (experiment), INVALID_PARAMETER_VALUE (deleted
 *   experiment, bad name, tag or param).
 */
export async function createLoggedModel(ctx: Ctx, request: CreateLoggedModelRequest): Promise<LoggedModel> {
  const name = request.name ?? randomName();
  validateLoggedModelName(name);
  const tags = (request.tags ?? []).map(normalizeRunTag);
  const params = (request.params ?? []).map(normalizeParam);
  return write(ctx, async (q) => {
    const experiment = await activeExperimentRow(q, request.experimentId, 'share');
    const modelId = newLoggedModelId();
    const t = ctx.now();
    await q.query(
      `INSERT INTO logged_models (model_id, experiment_id, name, artifact_uri, status, creation_timestamp,
         last_updated_timestamp, model_type, source_run_id, lifecycle_stage)
       VALUES ($1, $2, $3, $4, 'LOGGED_MODEL_PENDING', $5, $5, $6, $7, 'active')`,
      [modelId, experiment.experiment_id, name, joinArtifactUri(experiment.artifact_location, 'models', modelId, 'artifacts'),
        t, request.modelType ?? null, request.sourceRunId || null],
    );
    await upsertTags(q, modelId, tags);
    await insertParams(q, modelId, params);
    return reload(q, modelId);
  });
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST (also for a deleted model unless `allowDeleted`). */
export async function getLoggedModel(ctx: Ctx, modelId: string, allowDeleted = false): Promise<LoggedModel> {
  return reload(ctx.pool, modelId, allowDeleted);
}

/**
 * Sets the status (READY after upload, UPLOAD_FAILED, or back to PENDING) and bumps the update time.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE for another status.
 */
export async function finalizeLoggedModel(ctx: Ctx, modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
  if (!SETTABLE_STATUSES.includes(status)) {
    throw invalidParameter(`Invalid logged model status '${String(status)}'; expected one of ${SETTABLE_STATUSES.join(', ')}.`);
  }
  return write(ctx, async (q) => {
    await loggedModelRow(q, modelId, false, 'update');
    await q.query('UPDATE logged_models SET status = $1, last_updated_timestamp = $2 WHERE model_id = $3', [status, ctx.now(), modelId]);
    return reload(q, modelId);
  });
}

/** Soft delete. @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export async function deleteLoggedModel(ctx: Ctx, modelId: string): Promise<void> {
  await write(ctx, async (q) => {
    await loggedModelRow(q, modelId, false, 'update');
    await q.query("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp = $1 WHERE model_id = $2", [ctx.now(), modelId]);
  });
}

/** Upserts tags of an active model. @throws TrackingError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE (bad tag). */
export async function setLoggedModelTags(ctx: Ctx, modelId: string, tags: Tag[]): Promise<void> {
  const normalized = tags.map(normalizeRunTag);
  await write(ctx, async (q) => {
    await loggedModelRow(q, modelId, false, 'update');
    await upsertTags(q, modelId, normalized);
  });
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown model or tag. */
export async function deleteLoggedModelTag(ctx: Ctx, modelId: string, key: string): Promise<void> {
  await write(ctx, async (q) => {
    await loggedModelRow(q, modelId, false, 'update');
    const result = await q.query('DELETE FROM logged_model_tags WHERE model_id = $1 AND key = $2', [modelId, String(key)]);
    if (result.rowCount === 0) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with key '${key}' found for logged model '${modelId}'.`);
  });
}

/** Adds write-once params to an active model. @throws TrackingError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE (changed value). */
export async function logLoggedModelParams(ctx: Ctx, modelId: string, params: Param[]): Promise<void> {
  const normalized = params.map(normalizeParam);
  await write(ctx, async (q) => {
    await loggedModelRow(q, modelId, false, 'update');
    await insertParams(q, modelId, normalized);
  });
}
