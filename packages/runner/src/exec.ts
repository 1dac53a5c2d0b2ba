import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { RunStatus, TrackingStore } from '@mlproject/tracking';
import type { ArtifactAccess } from './artifacts.js';
import { RunnerError } from './errors.js';
import { STATUS_REASON_TAG, groupAlive, signalGroup, type Liveness } from './liveness.js';
import { openRunLogs, type LogStream } from './logs.js';
import type { RunOutcome, SubmittedRun } from './options.js';

/** Default time between the forwarded signal and SIGKILL to the child's process group, ms. */
export const DEFAULT_KILL_GRACE_MS = 10_000;

/**
 * The grace period from `MLPROJECT_KILL_GRACE_MS` (ms, a whole number >= 0), else 10 000.
 * @throws RunnerError ERR_MLPROJECT_RUN_BAD_OPTION for any other value.
 */
export function killGraceMs(env: NodeJS.ProcessEnv): number {
  const raw = env['MLPROJECT_KILL_GRACE_MS'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_KILL_GRACE_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new RunnerError('ERR_MLPROJECT_RUN_BAD_OPTION', `MLPROJECT_KILL_GRACE_MS='${raw}' is not a whole number of milliseconds`, {
      hint: 'set it to e.g. 10000 (10 s before SIGKILL), or unset it',
    });
  }
  return n;
}

export interface SpawnRequest {
  runId: string;
  experimentId: string;
  /** Given to `bash -c` as one string, as `mlflow/projects/backend/local.py::_run_entry_point` does. */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  store: TrackingStore;
  /** Where the child's output is kept as `logs/stdout.txt` and `logs/stderr.txt`. */
  artifacts: ArtifactAccess;
  artifactUri: string;
  /** Time from the first stop signal (or the child's exit) to SIGKILL of its process group, ms; default 10 000. */
  killGraceMs?: number;
  /** The run's liveness record: told the child's pid, stopped when the run ends. */
  liveness?: Liveness;
  /** Where the child's output is echoed; default our own stdout and stderr. */
  terminal?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /** Receives one line per problem that does not stop the run (logs that cannot be kept). */
  log?: (line: string) => void;
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `pgid` has no process left, or after `ms` (then false). */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Echoes a child stream to our terminal byte for byte and appends it to the run's log, as it arrives. */
function tee(from: Readable, stream: LogStream, to: NodeJS.WritableStream, write: (stream: LogStream, chunk: Buffer) => void): Promise<void> {
  let echo = true;
  // A closed terminal (EPIPE, a gone tty) stops the echo, never the run or its log.
  const stopEcho = (): void => { echo = false; };
  to.on('error', stopEcho);
  from.on('data', (chunk: Buffer) => {
    write(stream, chunk);
    if (!echo) return;
    try {
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    } catch {
      echo = false;
    }
  });
  return new Promise((resolve) => {
    from.once('close', () => {
      to.off('error', stopEcho);
      resolve();
    });
  });
}

/**
 * Starts the run's command as `bash -c <command>` in a process group of its own (pid = group ID;
 * a new session, so the child has no controlling terminal), stdin inherited, stdout and stderr
 * echoed to ours (through pipes: a child that checks `isatty(1)` sees a pipe and may drop its
 * colours) and kept as the run's artifacts `logs/stdout.txt` and `logs/stderr.txt`.
 *
 * Stopping: `cancel(sig)` sends `sig` to the whole group; `killGraceMs` later the group gets
 * SIGKILL. When the child itself ends, whatever it left in its group (background jobs, daemons)
 * gets SIGTERM, then SIGKILL after the same grace: no process of the run outlives it (processes
 * that leave the group with `setsid` are beyond reach). If our own process exits first, the
 * group gets SIGKILL. MLflow only signals the child (`LocalSubmittedRun.cancel`) and leaves
 * orphans. The final status follows {@link finalStatus}, recorded with a `mlproject.status.reason`
 * tag (`exit 3`, `signal SIGSEGV`) once the logs are complete.
 */
export function spawnRun(request: SpawnRequest): SubmittedRun {
  const graceMs = request.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const terminal = request.terminal ?? { stdout: process.stdout, stderr: process.stderr };
  const logs = openRunLogs(request.artifacts, request.artifactUri, request.runId, {
    onError: (what, error) => request.log?.(`mlproject: warning: ${what}: ${(error as Error).message ?? String(error)}`),
  });
  const child = spawn('bash', ['-c', request.command], {
    cwd: request.cwd, env: request.env, detached: true, stdio: ['inherit', 'pipe', 'pipe'],
  });
  const pgid = child.pid ?? 0;
  const killAtExit = (): void => void signalGroup(pgid, 'SIGKILL');
  if (pgid > 0) process.on('exit', killAtExit);
  if (pgid > 0) void request.liveness?.setChild(pgid);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 127, signal: null }));
  });
  const streams = Promise.all([
    tee(child.stdout, 'stdout', terminal.stdout, logs.write),
    tee(child.stderr, 'stderr', terminal.stderr, logs.write),
  ]);

  let killTimer: NodeJS.Timeout | undefined;
  const escalate = (signal: NodeJS.Signals): void => {
    signalGroup(pgid, signal);
    killTimer ??= setTimeout(() => signalGroup(pgid, 'SIGKILL'), graceMs);
  };

  let status: RunStatus = 'RUNNING';
  /** The signal a stop was asked with (`cancel`, i.e. Ctrl-C / SIGTERM to us); null until then. */
  let stoppedWith: NodeJS.Signals | null = null;
  const outcome: Promise<RunOutcome> = (async () => {
    const ended = await exited;
    try {
      // Sweep the rest of the group; a stop already under way keeps its own deadline.
      if (pgid > 0 && groupAlive(pgid)) {
        escalate('SIGTERM');
        await groupGone(pgid, graceMs + 2_000);
      }
      clearTimeout(killTimer);
      // Output still in the pipes is read to the end; a process that left the group but holds them gets 2 s.
      await Promise.race([streams, sleep(2_000)]);
      child.stdout.destroy();
      child.stderr.destroy();
      await logs.close();
      request.liveness?.stop();
      const exitCode = ended.signal === null ? (ended.code ?? 1) : null;
      // A command stopped from outside that exits non-zero by itself (a nested `mlproject run`
      // answering Ctrl-C with 130, a script that catches SIGTERM) was still stopped: KILLED.
      const stoppedItself = stoppedWith !== null && ended.signal === null && exitCode !== 0;
      const final = stoppedItself ? 'KILLED' : finalStatus(exitCode, ended.signal);
      const reason = ended.signal === null ? `exit ${exitCode}${stoppedItself ? ` after ${stoppedWith}` : ''}` : `signal ${ended.signal}`;
      await request.store.setTag(request.runId, { key: STATUS_REASON_TAG, value: reason });
      await request.store.updateRun(request.runId, { status: final, endTime: Date.now() });
      const run = await request.store.getRun(request.runId);
      status = final;
      return { runId: request.runId, experimentId: request.experimentId, status: final, exitCode, signal: ended.signal, run };
    } finally {
      process.off('exit', killAtExit);
      request.liveness?.stop();
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
      stoppedWith ??= signal;
      escalate(signal);
      await outcome.catch(() => undefined);
    },
  };
}
