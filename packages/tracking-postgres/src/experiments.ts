import {
  TrackingError, invalidParameter, joinArtifactUri, validateExperimentName, validateExperimentTag,
  type Experiment, type Tag,
} from '@mlproject/tracking';
import { activeExperimentRow, experimentRow } from './context.js';
import { sqlState, write, type Ctx, type Queryable } from './db.js';
import { loadExperiments, type ExperimentRow } from './rows.js';

function alreadyExists(name: string, cause?: unknown): TrackingError {
  return new TrackingError('RESOURCE_ALREADY_EXISTS',
    `Experiment(name=${name}) already exists. Names are unique among active and deleted experiments.`, { cause });
}

async function nameTaken(q: Queryable, name: string): Promise<boolean> {
  return ((await q.query('SELECT 1 FROM experiments WHERE name = $1', [name])).rowCount ?? 0) > 0;
}

/** Runs `fn`, turning a unique violation of the experiment name (two creators at once) into RESOURCE_ALREADY_EXISTS. */
async function uniqueName<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (sqlState(error) === '23505' && (error as { constraint?: string }).constraint === 'experiments_name_key') throw alreadyExists(name, error);
    throw error;
  }
}

async function upsertTags(q: Queryable, experimentId: number, tags: Tag[]): Promise<void> {
  if (tags.length === 0) return;
  const last = new Map(tags.map((t) => [t.key, String(t.value ?? '')]));
  await q.query(
    `INSERT INTO experiment_tags (experiment_id, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[])
     ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value`,
    [experimentId, [...last.keys()], [...last.values()]],
  );
}

/**
 * As `SqlAlchemyStore.create_experiment`: the next integer ID; the artifact location defaults to
 * `<defaultArtifactRoot>/<id>`.
 * @throws TrackingError INVALID_PARAMETER_VALUE (name, tags), RESOURCE_ALREADY_EXISTS (name taken,
 *   also by a deleted experiment).
 */
export async function createExperiment(ctx: Ctx, name: string, artifactLocation?: string, tags: Tag[] = []): Promise<string> {
  validateExperimentName(name);
  tags.forEach(validateExperimentTag);
  return uniqueName(name, () => write(ctx, async (q) => {
    if (await nameTaken(q, name)) throw alreadyExists(name);
    const t = ctx.now();
    const { rows } = await q.query<{ experiment_id: number }>(
      `INSERT INTO experiments (name, artifact_location, creation_time, last_update_time) VALUES ($1, $2, $3, $3) RETURNING experiment_id`,
      [name, artifactLocation ?? '', t],
    );
    const id = rows[0]?.experiment_id ?? 0;
    if (!artifactLocation) {
      await q.query('UPDATE experiments SET artifact_location = $1 WHERE experiment_id = $2', [joinArtifactUri(ctx.defaultArtifactRoot, String(id)), id]);
    }
    await upsertTags(q, id, tags);
    return String(id);
  }));
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE for a non-integer ID. */
export async function getExperiment(ctx: Ctx, experimentId: string): Promise<Experiment> {
  const [experiment] = await loadExperiments(ctx.pool, [await experimentRow(ctx.pool, experimentId)]);
  return experiment as Experiment;
}

/** The experiment named `name`, active or deleted; null when there is none. */
export async function getExperimentByName(ctx: Ctx, name: string): Promise<Experiment | null> {
  const { rows } = await ctx.pool.query<ExperimentRow>('SELECT * FROM experiments WHERE name = $1', [String(name)]);
  return (await loadExperiments(ctx.pool, rows))[0] ?? null;
}

/**
 * Renames an active experiment (`SqlAlchemyStore.rename_experiment`). Renaming a deleted one is
 * INVALID_PARAMETER_VALUE (MLflow: INVALID_STATE, a 500 the client retries).
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST, RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE.
 */
export async function renameExperiment(ctx: Ctx, experimentId: string, newName: string): Promise<void> {
  validateExperimentName(newName);
  await uniqueName(newName, () => write(ctx, async (q) => {
    const row = await experimentRow(q, experimentId, 'update');
    if (row.lifecycle_stage !== 'active') throw invalidParameter(`Cannot rename experiment ${experimentId}: it is deleted. Restore it first.`);
    if (row.name === newName) return;
    if (await nameTaken(q, newName)) throw alreadyExists(newName);
    await q.query('UPDATE experiments SET name = $1, last_update_time = $2 WHERE experiment_id = $3', [newName, ctx.now(), row.experiment_id]);
  }));
}

/**
 * Soft-deletes an active experiment and all of its runs, or restores a deleted one and all of its
 * runs (`SqlAlchemyStore.delete_experiment` / `restore_experiment`), in one transaction.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST when the experiment is missing or not in the expected stage.
 */
export async function setExperimentStage(ctx: Ctx, experimentId: string, stage: 'active' | 'deleted'): Promise<void> {
  await write(ctx, async (q) => {
    const row = await experimentRow(q, experimentId, 'update');
    const from = stage === 'deleted' ? 'active' : 'deleted';
    if (row.lifecycle_stage !== from) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No ${from} experiment with id=${experimentId} exists.`);
    const t = ctx.now();
    await q.query('UPDATE experiments SET lifecycle_stage = $1, last_update_time = $2 WHERE experiment_id = $3', [stage, t, row.experiment_id]);
    await q.query('UPDATE runs SET lifecycle_stage = $1, deleted_time = $2 WHERE experiment_id = $3',
      [stage, stage === 'deleted' ? t : null, row.experiment_id]);
  });
}

/** Sets (or overwrites) a tag of an active experiment. @throws TrackingError as `activeExperimentRow`, INVALID_PARAMETER_VALUE for the tag. */
export async function setExperimentTag(ctx: Ctx, experimentId: string, tag: Tag): Promise<void> {
  validateExperimentTag(tag);
  await write(ctx, async (q) => {
    const row = await activeExperimentRow(q, experimentId, 'share');
    await upsertTags(q, row.experiment_id, [tag]);
  });
}

/** @throws TrackingError RESOURCE_DOES_NOT_EXIST (experiment or tag), INVALID_PARAMETER_VALUE (deleted experiment). */
export async function deleteExperimentTag(ctx: Ctx, experimentId: string, key: string): Promise<void> {
  await write(ctx, async (q) => {
    const row = await activeExperimentRow(q, experimentId, 'share');
    const result = await q.query('DELETE FROM experiment_tags WHERE experiment_id = $1 AND key = $2', [row.experiment_id, String(key)]);
    if (result.rowCount === 0) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in experiment with id ${experimentId}`);
  });
}
