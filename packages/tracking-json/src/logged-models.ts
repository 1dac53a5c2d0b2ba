import {
  TrackingError, invalidParameter, joinArtifactUri, newLoggedModelId, normalizeParam, normalizeRunTag,
  paramChangedError, randomName, validateLoggedModelName,
  type CreateLoggedModelRequest, type LoggedModelStatus, type Param, type Tag,
} from '@mlproject/tracking';
import type { StoreData, StoredLoggedModel } from './format.js';
import { activeExperimentOf, loggedModelOf, remove, upsert, type Ctx } from './lookup.js';

const SETTABLE_STATUSES: readonly LoggedModelStatus[] = ['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'];

/** Params of a model are write-once like run params: the same value is a no-op, another value an error. */
function addParams(model: StoredLoggedModel, params: Param[]): void {
  for (const p of params) {
    const old = model.params.find((x) => x.key === p.key);
    if (old === undefined) model.params.push({ key: p.key, value: p.value });
    else if (old.value !== p.value) throw paramChangedError(`model ID='${model.modelId}'`, [{ key: p.key, old: old.value, value: p.value }]);
  }
}

/** A new model's name, tags and params, checked before any lock is taken. */
export interface NewLoggedModel {
  name: string;
  tags: Tag[];
  params: Param[];
}

/** @throws TrackingError INVALID_PARAMETER_VALUE for a bad name, tag or param. */
export function checkNewLoggedModel(request: CreateLoggedModelRequest): NewLoggedModel {
  const name = request.name ?? randomName();
  validateLoggedModelName(name);
  return { name, tags: (request.tags ?? []).map(normalizeRunTag), params: (request.params ?? []).map(normalizeParam) };
}

/**
 * As `SqlAlchemyStore.create_logged_model`: ID `m-` + 32 hex, status LOGGED_MODEL_PENDING, artifact
 * URI `<experiment artifact location>/models/<id>/artifacts`.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST (experiment), INVALID_PARAMETER_VALUE (deleted experiment).
 */
export function createLoggedModel(data: StoreData, ctx: Ctx, request: CreateLoggedModelRequest, checked: NewLoggedModel): StoredLoggedModel {
  const experiment = activeExperimentOf(data, request.experimentId);
  const modelId = newLoggedModelId();
  const t = ctx.now();
  const model: StoredLoggedModel = {
    modelId,
    experimentId: experiment.experimentId,
    name: checked.name,
    artifactUri: joinArtifactUri(experiment.artifactLocation, 'models', modelId, 'artifacts'),
    status: 'LOGGED_MODEL_PENDING',
    creationTimestampMs: t,
    lastUpdatedTimestampMs: t,
    modelType: request.modelType ?? null,
    sourceRunId: request.sourceRunId || null,
    lifecycleStage: 'active',
    tags: [],
    params: [],
    metrics: [],
  };
  for (const tag of checked.tags) upsert(model.tags, tag.key, tag.value);
  addParams(model, checked.params);
  data.loggedModels[modelId] = model;
  return model;
}

/** @throws TrackingError INVALID_PARAMETER_VALUE for a status that cannot be set. */
export function checkStatus(status: LoggedModelStatus): void {
  if (!SETTABLE_STATUSES.includes(status)) {
    throw invalidParameter(`Invalid logged model status '${String(status)}'; expected one of ${SETTABLE_STATUSES.join(', ')}.`);
  }
}

/** Sets the status and bumps the update time. @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export function finalizeLoggedModel(data: StoreData, ctx: Ctx, modelId: string, status: LoggedModelStatus): StoredLoggedModel {
  const model = loggedModelOf(data, modelId);
  model.status = status;
  model.lastUpdatedTimestampMs = ctx.now();
  return model;
}

/** Soft delete. @throws TrackingError RESOURCE_DOES_NOT_EXIST */
export function deleteLoggedModel(data: StoreData, ctx: Ctx, modelId: string): void {
  const model = loggedModelOf(data, modelId);
  model.lifecycleStage = 'deleted';
  model.lastUpdatedTimestampMs = ctx.now();
}

export function setLoggedModelTags(data: StoreData, modelId: string, tags: Tag[]): void {
  const model = loggedModelOf(data, modelId);
  for (const tag of tags) upsert(model.tags, tag.key, tag.value);
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown model or tag. */
export function deleteLoggedModelTag(data: StoreData, modelId: string, key: string): void {
  if (!remove(loggedModelOf(data, modelId).tags, String(key))) {
    throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with key '${key}' found for logged model '${modelId}'.`);
  }
}

export function logLoggedModelParams(data: StoreData, modelId: string, params: Param[]): void {
  addParams(loggedModelOf(data, modelId), params);
}
