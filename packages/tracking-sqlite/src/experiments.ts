import {
  TrackingError, invalidParameter, joinArtifactUri, validateExperimentName, validateExperimentTag,
  type Experiment, type Tag,
} from '@mlproject/tracking';
import { activeExperimentRow, experimentRow, write, type Ctx } from './context.js';
import { toExperiment, type ExperimentRow } from './rows.js';

function alreadyExists(name: string): TrackingError {
  return new TrackingError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists. Names are unique among active and deleted experiments.`);
}

function nameTaken(ctx: Ctx, name: string): boolean {
  return ctx.db.prepare('SELECT 1 FROM experiments WHERE name = ?').get(name) !== undefined;
}

/** As `SqlAlchemyStore.create_experiment`; the artifact location defaults to `<root>/<id>`. */
export function createExperiment(ctx: Ctx, name: string, artifactLocation?: string, tags: Tag[] = []): string {
  validateExperimentName(name);
  tags.forEach(validateExperimentTag);
  return write(ctx, () => {
    if (nameTaken(ctx, name)) throw alreadyExists(name);
    const t = ctx.now();
    const result = ctx.db
      .prepare('INSERT INTO experiments (name, artifact_location, creation_time, last_update_time) VALUES (?, ?, ?, ?)')
      .run(name, artifactLocation ?? '', t, t);
    const id = Number(result.lastInsertRowid);
    if (!artifactLocation) {
      ctx.db.prepare('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?')
        .run(joinArtifactUri(ctx.defaultArtifactRoot, String(id)), id);
    }
    const insertTag = ctx.db.prepare('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)');
    for (const tag of tags) insertTag.run(id, tag.key, String(tag.value ?? ''));
    return String(id);
  });
}

export function getExperiment(ctx: Ctx, experimentId: string): Experiment {
  return toExperiment(ctx.db, experimentRow(ctx, experimentId));
}

export function getExperimentByName(ctx: Ctx, name: string): Experiment | null {
  const row = ctx.db.prepare('SELECT * FROM experiments WHERE name = ?').get(String(name)) as ExperimentRow | undefined;
  return row === undefined ? null : toExperiment(ctx.db, row);
}

/** Renaming a deleted experiment is INVALID_PARAMETER_VALUE (MLflow: INVALID_STATE, a 500 the client retries). */
export function renameExperiment(ctx: Ctx, experimentId: string, newName: string): void {
  validateExperimentName(newName);
  write(ctx, () => {
    const row = experimentRow(ctx, experimentId);
    if (row.lifecycle_stage !== 'active') {
      throw invalidParameter(`Cannot rename experiment ${experimentId}: it is deleted. Restore it first.`);
    }
    if (row.name === newName) return;
    if (nameTaken(ctx, newName)) throw alreadyExists(newName);
    ctx.db.prepare('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?').run(newName, ctx.now(), row.experiment_id);
  });
}

/**
 * Soft-deletes an active experiment and all of its runs; restore brings back the experiment and all
 * its runs (`SqlAlchemyStore.delete_experiment` / `restore_experiment`).
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST when the experiment is not in the expected stage.
 */
export function setExperimentStage(ctx: Ctx, experimentId: string, stage: 'active' | 'deleted'): void {
  write(ctx, () => {
    const row = experimentRow(ctx, experimentId);
    const from = stage === 'deleted' ? 'active' : 'deleted';
    if (row.lifecycle_stage !== from) {
      throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No ${from} experiment with id=${experimentId} exists.`);
    }
    const t = ctx.now();
    ctx.db.prepare('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?').run(stage, t, row.experiment_id);
    ctx.db.prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?')
      .run(stage, stage === 'deleted' ? t : null, row.experiment_id);
  });
}

export function setExperimentTag(ctx: Ctx, experimentId: string, tag: Tag): void {
  validateExperimentTag(tag);
  write(ctx, () => {
    const row = activeExperimentRow(ctx, experimentId);
    ctx.db.prepare('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)')
      .run(row.experiment_id, tag.key, String(tag.value ?? ''));
  });
}

export function deleteExperimentTag(ctx: Ctx, experimentId: string, key: string): void {
  write(ctx, () => {
    const row = activeExperimentRow(ctx, experimentId);
    const result = ctx.db.prepare('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?').run(row.experiment_id, String(key));
    if (result.changes === 0) {
      throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in experiment with id ${experimentId}`);
    }
  });
}
