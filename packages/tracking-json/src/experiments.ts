import {
  TrackingError, invalidParameter, joinArtifactUri, type Tag,
} from '@mlproject/tracking';
import type { StoreData } from './format.js';
import { activeExperimentOf, experimentOf, remove, upsert, type Ctx } from './lookup.js';

/** Experiment operations on the data in memory; the caller reads or writes the file around them. */

function assertNameFree(data: StoreData, name: string): void {
  if (Object.values(data.experiments).some((e) => e.name === name)) {
    throw new TrackingError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists. Names are unique among active and deleted experiments.`);
  }
}

/**
 * As `SqlAlchemyStore.create_experiment`: the next integer ID (never reused), the artifact location
 * `<default root>/<id>` unless one is given.
 * @throws TrackingError RESOURCE_ALREADY_EXISTS when an active or deleted experiment has the name.
 */
export function createExperiment(data: StoreData, ctx: Ctx, name: string, artifactLocation: string | undefined, tags: Tag[]): string {
  assertNameFree(data, name);
  const id = String(data.nextExperimentId);
  data.nextExperimentId += 1;
  const t = ctx.now();
  const stored: Tag[] = [];
  for (const tag of tags) upsert(stored, tag.key, String(tag.value ?? ''));
  data.experiments[id] = {
    experimentId: id,
    name,
    artifactLocation: artifactLocation || joinArtifactUri(ctx.defaultArtifactRoot, id),
    lifecycleStage: 'active',
    creationTime: t,
    lastUpdateTime: t,
    tags: stored,
  };
  return id;
}

/** Renaming a deleted experiment is INVALID_PARAMETER_VALUE; a taken name RESOURCE_ALREADY_EXISTS. */
export function renameExperiment(data: StoreData, ctx: Ctx, experimentId: string, newName: string): void {
  const experiment = experimentOf(data, experimentId);
  if (experiment.lifecycleStage !== 'active') {
    throw invalidParameter(`Cannot rename experiment ${experimentId}: it is deleted. Restore it first.`);
  }
  if (experiment.name === newName) return;
  assertNameFree(data, newName);
  experiment.name = newName;
  experiment.lastUpdateTime = ctx.now();
}

/**
 * Soft-deletes an active experiment and all of its runs, or restores a deleted one and all of its
 * runs (`SqlAlchemyStore.delete_experiment` / `restore_experiment`).
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST when the experiment is not in the expected stage.
 */
export function setExperimentStage(data: StoreData, ctx: Ctx, experimentId: string, stage: 'active' | 'deleted'): void {
  const experiment = experimentOf(data, experimentId);
  const from = stage === 'deleted' ? 'active' : 'deleted';
  if (experiment.lifecycleStage !== from) {
    throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No ${from} experiment with id=${experimentId} exists.`);
  }
  const t = ctx.now();
  experiment.lifecycleStage = stage;
  experiment.lastUpdateTime = t;
  for (const run of Object.values(data.runs)) {
    if (run.experimentId !== experiment.experimentId) continue;
    run.lifecycleStage = stage;
    run.deletedTime = stage === 'deleted' ? t : null;
  }
}

export function setExperimentTag(data: StoreData, experimentId: string, tag: Tag): void {
  upsert(activeExperimentOf(data, experimentId).tags, tag.key, String(tag.value ?? ''));
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown experiment or tag. */
export function deleteExperimentTag(data: StoreData, experimentId: string, key: string): void {
  if (!remove(activeExperimentOf(data, experimentId).tags, String(key))) {
    throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in experiment with id ${experimentId}`);
  }
}
