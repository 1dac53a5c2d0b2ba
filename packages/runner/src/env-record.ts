import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PreparedEnvironment } from '@mlproject/env';
import { TrackingError, type TrackingStore } from '@mlproject/tracking';
import type { ArtifactAccess } from './artifacts.js';
import { RunnerError } from './errors.js';

/** Where a run keeps the record of its environment, relative to its artifact root. */
export const LOCK_ARTIFACT = 'environment/lock.txt';
export const BUILD_LOG_ARTIFACT = 'environment/build.log';
/** Run tags (ours, not MLflow's) naming the environment a run used. */
export const LOCK_DIGEST_TAG = 'mlproject.env.lockDigest';
export const ENV_KEY_TAG = 'mlproject.env.key';
export const ENV_PYTHON_TAG = 'mlproject.env.python';
/** Set when the environment was rebuilt from another run's lock (`--frozen-from`). */
export const FROZEN_FROM_TAG = 'mlproject.env.frozenFrom';

/**
 * Attaches the lock of the environment a run uses (the exact installed set) to the run as the
 * artifact `environment/lock.txt`, and tags the run with its sha256 digest, the env key and the
 * Python version. A backend with no lock (`local`) records nothing.
 */
export async function recordEnvironment(
  store: TrackingStore, artifacts: ArtifactAccess, runId: string, artifactUri: string, prepared: PreparedEnvironment,
): Promise<void> {
  const tags = [];
  if (prepared.key) tags.push({ key: ENV_KEY_TAG, value: prepared.key });
  if (prepared.pythonVersion) tags.push({ key: ENV_PYTHON_TAG, value: prepared.pythonVersion });
  if (prepared.lockFile) {
    const lock = await readFile(prepared.lockFile);
    await artifacts.write(artifactUri, LOCK_ARTIFACT, lock);
    tags.push({ key: LOCK_DIGEST_TAG, value: createHash('sha256').update(lock).digest('hex') });
  }
  if (tags.length > 0) await store.logBatch(runId, { tags });
}

/** Keeps a failed build's full log with the run, as the artifact `environment/build.log`. */
export async function recordBuildFailure(artifacts: ArtifactAccess, artifactUri: string, error: unknown): Promise<void> {
  const logFile = (error as { logFile?: unknown }).logFile;
  if (typeof logFile !== 'string') return;
  await readFile(logFile).then((log) => artifacts.write(artifactUri, BUILD_LOG_ARTIFACT, log)).catch(() => undefined);
}

/**
 * The lock recorded with an earlier run (`--frozen-from RUN_ID`).
 * @throws RunnerError ERR_MLPROJECT_RUN_NOT_FOUND for an unknown run, or when that run recorded no lock (it ran with `--env-manager local`, or before locks were recorded).
 */
export async function lockOfRun(store: TrackingStore, artifacts: ArtifactAccess, runId: string): Promise<string> {
  const run = await store.getRun(runId).catch((error: unknown) => {
    if (!(error instanceof TrackingError) || error.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    throw new RunnerError('ERR_MLPROJECT_RUN_NOT_FOUND', `--frozen-from: run '${runId}' is not in ${store.uri}`, {
      hint: 'pass the full run ID of a run in this store (see `mlproject runs list`), or --tracking-uri for the store it is in',
    });
  });
  const lock = await artifacts.read(run.info.artifactUri, LOCK_ARTIFACT);
  if (lock === null) {
    throw new RunnerError('ERR_MLPROJECT_RUN_NOT_FOUND', `Run ${runId} has no recorded environment lock (${LOCK_ARTIFACT})`, {
      hint: 'pick a run that built its environment with virtualenv, uv or conda (see `mlproject runs show ID`)',
    });
  }
  return lock.toString('utf8');
}
