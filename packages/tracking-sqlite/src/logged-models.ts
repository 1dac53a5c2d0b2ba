import {
  TrackingError, invalidParameter, joinArtifactUri, newLoggedModelId, normalizeParam, normalizeRunTag,
  paramChangedError, randomName, validateLoggedModelName,
  type CreateLoggedModelRequest, type LoggedModel, type LoggedModelStatus, type Param, type Tag,
} from '@mlproject/tracking';
import { activeExperimentRow, loggedModelRow, write, type Ctx } from './context.js';
import { toLoggedModel } from './rows.js';

const SETTABLE_STATUSES: readonly LoggedModelStatus[] = ['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'];

function upsertTags(ctx: Ctx, modelId: string, tags: Tag[]): void {
  const upsert = ctx.db.prepare('INSERT OR REPLACE INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)');
  for (const tag of tags) upsert.run(modelId, tag.key, tag.value);
}

/** Params of a model are write-once like run params: the same value is a no-op, another value an error. */
function insertParams(ctx: Ctx, modelId: string, params: Param[]): void {
  const existing = ctx.db.prepare('SELECT value FROM logged_model_params WHERE model_id = ? AND key = ?').pluck();
  const insert = ctx.db.prepare('INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)');
  for (const p of params) {
    const old = existing.get(modelId, p.key) as string | undefined;
    if (old === undefined) insert.run(modelId, p.key, p.value);
    else if (old !== p.value) {
      throw paramChangedError(`model ID='${modelId}'`, [{ key: p.key, old, value: p.value }]);
    }
  }
}

/**
 * As `SqlAlchemyStore.create_logged_model`: ID `m-` + 32 hex, status LOGGED_MODEL_PENDING, artifact
 * URI `<experiment artifact location>/models/<id>/artifacts`, random name when none is given.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (experiment), INVALID_PARAMETER_VALUE (deleted
 *   experiment, bad name, tag or param).
 */
export function createLoggedModel(ctx: Ctx, request: CreateLoggedModelRequest): LoggedModel {
  const name = request.name ?? randomName();
  validateLoggedModelName(name);
  const tags = (request.tags ?? []).map(normalizeRunTag);
  const params = (request.params ?? []).map(normalizeParam);
  return write(ctx, () => {
    const experiment = activeExperimentRow(ctx, request.experimentId);
    const modelId = newLoggedModelId();
    const t = ctx.now();
    ctx.db.prepare(
      `INSERT INTO logged_models (model_id, experiment_id, name, artifact_uri, status, creation_timestamp,
         last_updated_timestamp, model_type, source_run_id, lifecycle_stage)
       VALUES (?, ?, ?, ?, 'LOGGED_MODEL_PENDING', ?, ?, ?, ?, 'active')`,
    ).run(modelId, experiment.experiment_id, name, joinArtifactUri(experiment.artifact_location, 'models', modelId, 'artifacts'),
      t, t, request.modelType ?? null, request.sourceRunId || null);
    upsertTags(ctx, modelId, tags);
    insertParams(ctx, modelId, params);
    return toLoggedModel(ctx.db, loggedModelRow(ctx, modelId));
  });
}

export function getLoggedModel(ctx: Ctx, modelId: string, allowDeleted = false): LoggedModel {
  return toLoggedModel(ctx.db, loggedModelRow(ctx, modelId, allowDeleted));
}

/** Sets the status (READY after upload, UPLOAD_FAILED, or back to PENDING) and bumps the update time. */
export function finalizeLoggedModel(ctx: Ctx, modelId: string, status: LoggedModelStatus): LoggedModel {
  if (!SETTABLE_STATUSES.includes(status)) {
    throw invalidParameter(`Invalid logged model status '${String(status)}'; expected one of ${SETTABLE_STATUSES.join(', ')}.`);
  }
  return write(ctx, () => {
    loggedModelRow(ctx, modelId);
    ctx.db.prepare('UPDATE logged_models SET status = ?, last_updated_timestamp = ? WHERE model_id = ?').run(status, ctx.now(), modelId);
    return toLoggedModel(ctx.db, loggedModelRow(ctx, modelId));
  });
}

/** Soft delete. @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export function deleteLoggedModel(ctx: Ctx, modelId: string): void {
  write(ctx, () => {
    loggedModelRow(ctx, modelId);
    ctx.db.prepare("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp = ? WHERE model_id = ?").run(ctx.now(), modelId);
  });
}

export function setLoggedModelTags(ctx: Ctx, modelId: string, tags: Tag[]): void {
  const normalized = tags.map(normalizeRunTag);
  write(ctx, () => {
    loggedModelRow(ctx, modelId);
    upsertTags(ctx, modelId, normalized);
  });
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown model or tag. */
export function deleteLoggedModelTag(ctx: Ctx, modelId: string, key: string): void {
  write(ctx, () => {
    loggedModelRow(ctx, modelId);
    const result = ctx.db.prepare('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?').run(modelId, String(key));
    if (result.changes === 0) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with key '${key}' found for logged model '${modelId}'.`);
  });
}

export function logLoggedModelParams(ctx: Ctx, modelId: string, params: Param[]): void {
  const normalized = params.map(normalizeParam);
  write(ctx, () => {
    loggedModelRow(ctx, modelId);
    insertParams(ctx, modelId, normalized);
  });
}
