import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { Tag, TrackingStore } from '@mlproject/tracking';

/**
 * Tags that say which process runs a run, so that a later command can tell a run whose runner died
 * (SIGKILL, power loss) from one still going. MLflow has nothing of the kind: a `mlflow run` that
 * dies leaves its run RUNNING forever.
 */
export const RUNNER_TAGS = {
  /** `os.hostname()` of the runner. */
  host: 'mlproject.runner.host',
  /** `/proc/sys/kernel/random/boot_id` (Linux); a different boot means every process of the run is gone. */
  bootId: 'mlproject.runner.bootId',
  /** The runner's pid. */
  pid: 'mlproject.runner.pid',
  /** The runner's start time in clock ticks since boot (`/proc/<pid>/stat` field 22), against pid reuse. */
  startedAt: 'mlproject.runner.startedAt',
  /** The process group of the child (`bash -c`, its pid), and its start time in clock ticks. */
  pgid: 'mlproject.runner.pgid',
  childStartedAt: 'mlproject.runner.childStartedAt',
  /** ms since the epoch, by the runner's clock, rewritten every {@link HEARTBEAT_MS}. */
  heartbeat: 'mlproject.runner.heartbeat',
} as const;

/** Why a run ended: `exit 3`, `signal SIGTERM`, `runner-lost`, ... (ours; MLflow records none). */
export const STATUS_REASON_TAG = 'mlproject.status.reason';

/** How often the runner rewrites its heartbeat tag, ms. */
export const HEARTBEAT_MS = 15_000;

/** The start time of a process in clock ticks since boot, or null (no such process, not Linux). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** This machine's boot ID (Linux), or '' when unknown. */
export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** True when a process with that pid exists (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * pids of the live processes in group `pgid`, zombies left out (Linux: /proc); null when /proc
 * cannot be read.
 */
export function groupMembers(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/**
 * True when a live process is in group `pgid`. Zombies do not count: orphans are reaped by pid 1,
 * which some inits (containers, VMs) do only every second or so.
 */
export function groupAlive(pgid: number): boolean {
  if (pgid <= 0 || !pidAlive(-pgid)) return false;
  const members = groupMembers(pgid);
  return members === null || members.length > 0;
}

/** Sends `signal` to process group `pgid`; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The runner's liveness record while it runs: its tags, then a heartbeat until {@link Liveness.stop}. */
export interface Liveness {
  /** Records the child's process group (its pid) once it is started. Never throws. */
  setChild(pid: number): Promise<void>;
  /** Stops the heartbeat. Idempotent. */
  stop(): void;
}

/**
 * Writes this process's liveness tags on `runId` ({@link RUNNER_TAGS}) and rewrites the heartbeat
 * every `heartbeatMs` (default {@link HEARTBEAT_MS}) until `stop()`. Write failures are given to
 * `onError` (default: ignored): a store that is briefly unreachable must not stop the run.
 */
export async function startLiveness(
  store: TrackingStore,
  runId: string,
  options: { heartbeatMs?: number; onError?: (error: unknown) => void } = {},
): Promise<Liveness> {
  const onError = options.onError ?? (() => {});
  const now = (): Tag => ({ key: RUNNER_TAGS.heartbeat, value: String(Date.now()) });
  await store.logBatch(runId, {
    tags: [
      { key: RUNNER_TAGS.host, value: os.hostname() },
      { key: RUNNER_TAGS.bootId, value: bootId() },
      { key: RUNNER_TAGS.pid, value: String(process.pid) },
      { key: RUNNER_TAGS.startedAt, value: processStartTime(process.pid) ?? '' },
      now(),
    ],
  });
  let stopped = false;
  const timer = setInterval(() => {
    if (!stopped) store.setTag(runId, now()).catch(onError);
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();
  return {
    async setChild(pid) {
      await store.logBatch(runId, {
        tags: [{ key: RUNNER_TAGS.pgid, value: String(pid) }, { key: RUNNER_TAGS.childStartedAt, value: processStartTime(pid) ?? '' }],
      }).catch(onError);
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
