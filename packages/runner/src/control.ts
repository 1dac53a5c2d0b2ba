import os from 'node:os';
import { TERMINAL_STATUSES, type Run, type TrackingStore } from '@mlproject/tracking';
import type { ArtifactAccess } from './artifacts.js';
import { RunnerError } from './errors.js';
import { RUNNER_TAGS, processStartTime } from './liveness.js';
import { reapLostRuns } from './reap.js';

const tagsOf = (run: Run): Record<string, string> => Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until a run reaches a terminal status (FINISHED, FAILED, KILLED), polling the store every
 * `pollMs` (default 500 ms) and, every tenth poll, marking runs whose runner died FAILED (so a wait
 * never outlives a lost runner). MLflow's `SubmittedRun.wait()` exists only in the process that
 * started the run; this works from any process that can read the store.
 * @param options.timeoutMs give up after this long, ms (default: never).
 * @returns the run as stored once terminal.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown run; RunnerError
 *   ERR_MLPROJECT_RUN_TIMEOUT when `timeoutMs` passes first.
 */
export async function waitForRun(
  store: TrackingStore,
  runId: string,
  options: { pollMs?: number; timeoutMs?: number; artifacts?: ArtifactAccess } = {},
): Promise<Run> {
  const started = Date.now();
  for (let poll = 0; ; poll += 1) {
    const run = await store.getRun(runId);
    if (TERMINAL_STATUSES.includes(run.info.status)) return run;
    if (options.timeoutMs !== undefined && Date.now() - started >= options.timeoutMs) {
      throw new RunnerError('ERR_MLPROJECT_RUN_TIMEOUT', `Run ${runId} is still ${run.info.status} after ${Math.round(options.timeoutMs / 1000)} s`, {
        hint: 'wait longer (--timeout), or stop it with `mlproject runs cancel ID`',
      });
    }
    if (poll % 10 === 9) await reapLostRuns(store, options.artifacts ? { artifacts: options.artifacts } : {}).catch(() => []);
    await sleep(options.pollMs ?? 500);
  }
}

/** How {@link cancelRun} ended. */
export type CancelOutcome =
  | { kind: 'already-ended'; run: Run }
  /** The runner got SIGTERM, stopped the run's processes and recorded KILLED (or what happened). */
  | { kind: 'cancelled'; run: Run }
  /** The runner was already gone: the run was marked FAILED (runner-lost) and its processes killed. */
  | { kind: 'reaped'; run: Run };

/**
 * Stops a RUNNING run started by `mlproject run` on this machine, from any process: sends SIGTERM to
 * its runner (found by the `mlproject.runner.*` tags), which forwards it to the run's process
 * group, SIGKILLs what is left after its grace period and records KILLED; then waits for that.
 * A runner that is already gone is reaped instead. (MLflow can cancel only from the process that
 * started the run: `SubmittedRun.cancel()`.)
 * @param options.timeoutMs how long to wait for the final status after the signal, ms (default 60 s).
 * @throws RunnerError ERR_MLPROJECT_RUN_NOT_OURS for a run without runner tags (started by
 *   something else, e.g. a plain `mlflow` script), ERR_MLPROJECT_RUN_OTHER_HOST for a run whose runner
 *   is on another machine, ERR_MLPROJECT_RUN_TIMEOUT when it does not end in time; TrackingError
 *   RESOURCE_DOES_NOT_EXIST for an unknown run.
 */
export async function cancelRun(
  store: TrackingStore,
  runId: string,
  options: { timeoutMs?: number; artifacts?: ArtifactAccess; signal?: NodeJS.Signals } = {},
): Promise<CancelOutcome> {
  const run = await store.getRun(runId);
  if (TERMINAL_STATUSES.includes(run.info.status)) return { kind: 'already-ended', run };
  const tags = tagsOf(run);
  const pid = Number(tags[RUNNER_TAGS.pid]);
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new RunnerError('ERR_MLPROJECT_RUN_NOT_OURS', `Run ${runId} was not started by \`mlproject run\`, so there is no runner to stop`, {
      hint: 'stop the program that logs to it; `mlflow runs` or the MLflow client can set its status',
    });
  }
  const host = tags[RUNNER_TAGS.host] ?? '';
  if (host !== os.hostname()) {
    throw new RunnerError('ERR_MLPROJECT_RUN_OTHER_HOST', `Run ${runId} runs on host ${host}, not this one (${os.hostname()})`, {
      hint: `run \`mlproject runs cancel ${runId}\` on ${host}`,
    });
  }
  const waitOptions = { timeoutMs: options.timeoutMs ?? 60_000, ...(options.artifacts ? { artifacts: options.artifacts } : {}) };
  const startTime = processStartTime(pid);
  const sameProcess = startTime !== null && startTime === tags[RUNNER_TAGS.startedAt];
  if (sameProcess) {
    process.kill(pid, options.signal ?? 'SIGTERM');
    return { kind: 'cancelled', run: await waitForRun(store, runId, waitOptions) };
  }
  await reapLostRuns(store, options.artifacts ? { artifacts: options.artifacts } : {});
  return { kind: 'reaped', run: await waitForRun(store, runId, { ...waitOptions, timeoutMs: 5_000 }) };
}
