import os from 'node:os';
import { defaultCacheDir, type PreparedEnvironment } from '@mlproject/env';
import type { Run, Tag, TrackingStore } from '@mlproject/tracking';
import { createTrackingServer, type TrackingServer } from '@mlproject/tracking-server';
import { FROZEN_FROM_TAG, lockOfRun, recordBuildFailure, recordEnvironment } from './env-record.js';
import { assertRunnable, defaultRegistry } from './environment.js';
import { RunnerError } from './errors.js';
import { resolveExperimentId } from './experiment.js';
import { killGraceMs, spawnRun } from './exec.js';
import { startLiveness, type Liveness } from './liveness.js';
import type { RunOptions, SubmittedRun } from './options.js';
import type { Provenance } from '@mlproject/source';
import { planRun } from './plan.js';
import { reapLostRuns, reapNotice } from './reap.js';
import { openStore } from './tracking-uri.js';

/** `getpass.getuser()`: LOGNAME, USER, LNAME, USERNAME, then the OS account name. */
function currentUser(env: NodeJS.ProcessEnv): string {
  return env['LOGNAME'] || env['USER'] || env['LNAME'] || env['USERNAME'] || os.userInfo().username;
}

/**
 * Runs an MLflow project the way `mlflow run` does (`mlflow/projects/__init__.py::run` with the local
 * backend): load the project, check the entry point and parameters, create the run with MLflow's tags
 * and its params, build (or reuse) the environment, then start `bash -c <command>` in the project
 * directory with `MLFLOW_RUN_ID`, `MLFLOW_TRACKING_URI` (our REST server on 127.0.0.1) and
 * `MLFLOW_EXPERIMENT_ID`. Resolves once the child is started; `wait()` gives the outcome.
 * Errors found before the run exists leave nothing behind; a failure after it exists ends it FAILED.
 * @throws SpecError, ParamsError, EnvError, RunnerError, TrackingError (each with a stable `code`).
 */
export async function run(options: RunOptions): Promise<SubmittedRun> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const graceMs = killGraceMs(env);
  const { dir, provenance, project, entryPointName, command, params, manager, declaration, trackingUri, warnings } = await planRun(options);
  for (const warning of warnings) options.onWarning?.(warning);
  assertRunnable(project, manager);
  const backend = defaultRegistry().get(manager);

  const opened = await openStore(trackingUri, cwd, { env, ...(options.onRetry ? { onRetry: options.onRetry } : {}) });
  const { store, artifacts } = opened;
  // A local store is served to the child by a REST server of ours, started while the run is
  // created; a remote server is handed to the child as it is.
  const starting: Promise<TrackingServer | null> = opened.artifactsDestination === null || opened.target.kind === 'rest'
    ? Promise.resolve(null)
    : createTrackingServer({ store, artifactsDestination: opened.artifactsDestination, port: 0 });
  starting.catch(() => undefined);
  const stopPreparing = new AbortController();
  const forward = (): void => stopPreparing.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  options.signal?.addEventListener('abort', forward, { once: true });
  let preparing: Promise<PreparedEnvironment> | undefined;
  let liveness: Liveness | undefined;
  try {
    // Runs whose runner died are marked FAILED first (best effort: a store we cannot write is reported when we write to it).
    for (const reaped of await reapLostRuns(store, { artifacts }).catch(() => [])) log(reapNotice(reaped));
    const frozenLock = options.frozenFrom === undefined ? undefined : await lockOfRun(store, artifacts, options.frozenFrom);
    preparing = backend.prepare({
      declaration, projectDir: dir, cacheDir: options.cacheDir ?? defaultCacheDir(env),
      log: options.progress ?? (() => {}),
      signal: stopPreparing.signal,
      ...(options.rebuildEnv ? { rebuild: true } : {}),
      ...(frozenLock === undefined ? {} : { frozenLock }),
    }, manager);
    // Its failure is handled once the run exists (below); until then nothing awaits it.
    preparing.catch(() => undefined);

    const experimentId = await resolveExperimentId(store, options.experimentName, options.experimentId, env);
    const created = await createRun(store, experimentId, { provenance, entryPointName, env, runName: options.runName });
    const runId = created.info.runId;
    const artifactUri = created.info.artifactUri;
    if (provenance.dirty && provenance.diff !== undefined) await artifacts.write(artifactUri, UNCOMMITTED_DIFF_ARTIFACT, provenance.diff);
    if (provenance.diffTruncated) {
      options.onWarning?.({
        code: 'ERR_MLPROJECT_RUN_DIFF_TRUNCATED',
        message: `the uncommitted changes are too large to keep whole: ${UNCOMMITTED_DIFF_ARTIFACT} is cut short (the files it leaves out are listed at its end)`,
        hint: 'commit the changes (or .gitignore large files) so that the run records exactly what ran',
      });
    }
    await store.logBatch(runId, { params });
    const tags: Tag[] = [{ key: 'mlflow.project.backend', value: 'local' }, commandTag(command)];
    if (manager !== 'local') tags.push({ key: 'mlflow.project.env', value: manager });
    if (options.frozenFrom !== undefined) tags.push({ key: FROZEN_FROM_TAG, value: options.frozenFrom });
    await store.logBatch(runId, { tags });
    liveness = await startLiveness(store, runId);

    let childEnv: NodeJS.ProcessEnv;
    try {
      const prepared = await preparing;
      if (prepared.prefix !== null) {
        log(`${prepared.reused ? 'reused' : 'built'} environment ${prepared.prefix} in ${(prepared.durationMs / 1000).toFixed(1)} s`);
      }
      await recordEnvironment(store, artifacts, runId, artifactUri, prepared);
      childEnv = prepared.childEnv(env);
    } catch (error) {
      // A Ctrl-C reaches the install tool too; the run was stopped, not broken.
      await recordBuildFailure(artifacts, artifactUri, error);
      await store.updateRun(runId, { status: options.signal?.aborted ? 'KILLED' : 'FAILED', endTime: Date.now() });
      throw options.signal?.aborted ? interrupted(runId, error) : error;
    }
    if (options.signal?.aborted) {
      await store.updateRun(runId, { status: 'KILLED', endTime: Date.now() });
      throw interrupted(runId);
    }

    const server = await starting;
    log(`=== Running command '${command}' in run with ID '${runId}' === `);
    const submitted = spawnRun({
      runId, experimentId, command, cwd: dir, store, artifacts, artifactUri, killGraceMs: graceMs, liveness, log,
      env: {
        // The mlflow client would print links to our per-run server, which is gone once the run ends.
        MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT: 'true',
        ...childEnv, MLFLOW_RUN_ID: runId,
        // A step that runs `mlproject run` itself inherits the env manager (and, through MLFLOW_TRACKING_URI, the store),
        // and half our grace period, so that on Ctrl-C it stops its own processes before ours SIGKILLs it.
        MLPROJECT_ENV_MANAGER: manager,
        MLPROJECT_KILL_GRACE_MS: String(Math.floor(graceMs / 2)), MLFLOW_TRACKING_URI: server?.url ?? trackingUri, MLFLOW_EXPERIMENT_ID: experimentId,
      },
      onEnd: async () => {
        await server?.close();
        await store.close();
      },
    });
    options.signal?.addEventListener('abort', () => {
      const reason: unknown = options.signal?.reason;
      void submitted.cancel(typeof reason === 'string' && reason.startsWith('SIG') ? (reason as NodeJS.Signals) : 'SIGTERM');
    }, { once: true });
    return submitted;
  } catch (error) {
    // Nothing may go on after run() fails: stop a build still running, then close the server.
    stopPreparing.abort();
    liveness?.stop();
    await preparing?.catch(() => undefined);
    await starting.then((server) => server?.close(), () => undefined);
    await store.close();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', forward);
  }
}

function interrupted(runId: string, cause?: unknown): RunnerError {
  return new RunnerError('ERR_MLPROJECT_RUN_INTERRUPTED', `Interrupted before the command started; run ${runId} ended KILLED`,
    cause === undefined ? {} : { cause });
}

/** Where a run keeps the uncommitted changes of the local git tree it ran from. */
export const UNCOMMITTED_DIFF_ARTIFACT = 'source/uncommitted.diff';
/** `true` when the project's git tree had uncommitted changes or untracked files (ours, not MLflow's). */
export const DIRTY_TAG = 'mlproject.source.git.dirty';

/** The exact string given to `bash -c` (ours: MLflow records no command). */
export const COMMAND_TAG = 'mlproject.command';
/** Longest run tag value a store keeps (MLflow's limit), in characters. */
const TAG_VALUE_LIMIT = 8000;

/**
 * The tag recording the command that runs. A command longer than a tag value may be (8000
 * characters) is cut, and its end says so and gives the full length, so a cut value is never taken
 * for the whole command.
 */
export function commandTag(command: string): Tag {
  if (command.length <= TAG_VALUE_LIMIT) return { key: COMMAND_TAG, value: command };
  const note = ` … [cut: the command has ${command.length} characters]`;
  return { key: COMMAND_TAG, value: command.slice(0, TAG_VALUE_LIMIT - note.length) + note };
}

/**
 * Creates the run with MLflow's tags (`mlflow/projects/utils.py::_create_run`): user, source name and
 * type, entry point, git commit, repo URL and branch, and `mlflow.parentRunId` when started from
 * inside another run (a project step calling `mlproject run`: `MLFLOW_RUN_ID` names the caller's run);
 * plus ours: whether the git tree was dirty.
 */
async function createRun(
  store: TrackingStore,
  experimentId: string,
  context: { provenance: Provenance; entryPointName: string; env: NodeJS.ProcessEnv; runName: string | undefined },
): Promise<Run> {
  const { provenance } = context;
  const user = currentUser(context.env);
  const tags: Tag[] = [
    { key: 'mlflow.user', value: user },
    { key: 'mlflow.source.name', value: provenance.sourceName },
    { key: 'mlflow.source.type', value: 'PROJECT' },
    { key: 'mlflow.project.entryPoint', value: context.entryPointName },
  ];
  if (provenance.gitCommit) tags.push({ key: 'mlflow.source.git.commit', value: provenance.gitCommit });
  if (provenance.gitRepoUrl) tags.push({ key: 'mlflow.source.git.repoURL', value: provenance.gitRepoUrl });
  if (provenance.gitBranch) tags.push({ key: 'mlflow.source.git.branch', value: provenance.gitBranch });
  if (provenance.dirty !== undefined) tags.push({ key: DIRTY_TAG, value: String(provenance.dirty) });
  const parent = context.env['MLFLOW_RUN_ID'];
  if (parent && /^[0-9a-f]{32}$/.test(parent)) tags.push({ key: 'mlflow.parentRunId', value: parent });
  return store.createRun({
    experimentId, userId: user, startTime: Date.now(), tags,
    ...(context.runName === undefined ? {} : { runName: context.runName }),
  });
}
