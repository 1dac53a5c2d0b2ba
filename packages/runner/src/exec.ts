import { execa } from 'execa';
import type { RunStatus, TrackingStore } from '@mlproject/tracking';
import type { RunOutcome, SubmittedRun } from './options.js';

export interface SpawnRequest {
  runId: string;
  experimentId: string;
  /** Given to `bash -c` as one string, as `mlflow/projects/backend/local.py::_run_entry_point` does. */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  store: TrackingStore;
  /** Called once after the final status is stored (closes the server and the store). */
  onEnd: () => Promise<void>;
}

/** Signals that mean "stopped from outside" (Ctrl-C, kill, hang-up); any other signal is a crash. */
const STOP_SIGNALS = new Set(['SIGINT', 'SIGTERM', 'SIGKILL', 'SIGHUP', 'SIGQUIT']);

/**
 * The final status from how the child ended, whatever the child wrote itself: exit 0 FINISHED,
 * stopped by SIGINT/SIGTERM/SIGKILL/SIGHUP/SIGQUIT KILLED, any other exit or signal (a segfault,
 * an abort) FAILED. (MLflow keeps a status the child already set, see
 * `mlflow/projects/__init__.py::_maybe_set_run_terminated`; we do not, so the record is honest.)
 */
export function finalStatus(exitCode: number | null, signal: string | null): RunStatus {
  if (signal !== null) return STOP_SIGNALS.has(signal) ? 'KILLED' : 'FAILED';
  return exitCode === 0 ? 'FINISHED' : 'FAILED';
}

/** Starts the run's command with inherited stdio and returns its SubmittedRun. */
export function spawnRun(request: SpawnRequest): SubmittedRun {
  const child = execa('bash', ['-c', request.command], {
    cwd: request.cwd,
    env: request.env,
    extendEnv: false,
    stdio: 'inherit',
    reject: false,
  });
  let status: RunStatus = 'RUNNING';
  const outcome: Promise<RunOutcome> = (async () => {
    const result = await child;
    const signal = result.signal ?? null;
    const exitCode = signal === null ? (result.exitCode ?? 1) : null;
    const final = finalStatus(exitCode, signal);
    try {
      await request.store.updateRun(request.runId, { status: final, endTime: Date.now() });
      const run = await request.store.getRun(request.runId);
      status = final;
      return { runId: request.runId, experimentId: request.experimentId, status: final, exitCode, signal, run };
    } finally {
      await request.onEnd();
    }
  })();
  return {
    runId: request.runId,
    experimentId: request.experimentId,
    command: request.command,
    wait: () => outcome,
    getStatus: () => status,
    cancel: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (status !== 'RUNNING') return;
      child.kill(signal);
      await outcome.catch(() => undefined);
    },
  };
}
