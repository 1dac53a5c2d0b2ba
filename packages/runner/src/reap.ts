import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import type { Run, TrackingStore } from '@mlproject/tracking';
import type { ArtifactAccess } from './artifacts.js';
import { HEARTBEAT_MS, RUNNER_TAGS, STATUS_REASON_TAG, bootId, groupAlive, groupMembers, pidAlive, processStartTime, signalGroup } from './liveness.js';
import { spoolDirOf, uploadSpool } from './logs.js';

/** A run found RUNNING whose runner is gone, now FAILED. */
export interface ReapedRun {
  runId: string;
  experimentId: string;
  /** One line: why the runner counts as gone. */
  why: string;
  /** True when the run's orphaned process group was still alive on this host and got SIGKILL. */
  killedChild: boolean;
  /** Set when marking the run FAILED failed (the run stays RUNNING). */
  error?: unknown;
}

/** What the reaper compares a run's liveness tags with. */
export interface ReapContext {
  host: string;
  bootId: string;
  /** ms since the epoch */
  now: number;
  /** A run of another host is lost once its heartbeat is this old, ms (default 4 x {@link HEARTBEAT_MS}). */
  staleAfterMs: number;
  /** Start time of a local pid in clock ticks, null when there is no such process (default: /proc). */
  startTimeOf: (pid: number) => string | null;
  /** Whether a local pid exists (used when start times are unknown, off Linux). */
  alive: (pid: number) => boolean;
}

/**
 * Why the runner of a run with these tags is gone, or null when it may still be running (or the
 * run is not one of ours: no `mlproject.runner.pid` tag). Same host and boot: gone when its pid
 * is dead or now belongs to a process that started at another time. Another boot: gone. Another
 * host: gone when the heartbeat is older than `staleAfterMs` (clocks must roughly agree).
 */
export function lostRunnerReason(tags: Record<string, string>, context: ReapContext): string | null {
  const pid = Number(tags[RUNNER_TAGS.pid]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const host = tags[RUNNER_TAGS.host] ?? '';
  if (host === context.host) {
    const boot = tags[RUNNER_TAGS.bootId] ?? '';
    if (boot !== '' && context.bootId !== '' && boot !== context.bootId) return `runner pid ${pid} on ${host} ran before the last reboot`;
    const startedAt = tags[RUNNER_TAGS.startedAt] ?? '';
    const now = context.startTimeOf(pid);
    if (startedAt !== '' && now !== null) return now === startedAt ? null : `runner pid ${pid} on ${host} is gone (the pid is another process now)`;
    return context.alive(pid) ? null : `runner pid ${pid} on ${host} is gone`;
  }
  const beat = Number(tags[RUNNER_TAGS.heartbeat]);
  if (!Number.isFinite(beat)) return null;
  const age = context.now - beat;
  return age > context.staleAfterMs ? `runner pid ${pid} on ${host} sent no heartbeat for ${Math.round(age / 1000)} s` : null;
}

/**
 * SIGKILLs the process group a dead runner left on this host, but only if it is still the run's:
 * its leader has the recorded start time, or (the leader gone) one of its processes carries
 * `MLFLOW_RUN_ID=<runId>` in its environment. A reused pid is never signalled. True when killed.
 */
function killOrphanGroup(tags: Record<string, string>, runId: string): boolean {
  const pgid = Number(tags[RUNNER_TAGS.pgid]);
  if (!Number.isInteger(pgid) || pgid <= 1 || !groupAlive(pgid)) return false;
  const leaderStart = processStartTime(pgid);
  let ours = leaderStart !== null && leaderStart === tags[RUNNER_TAGS.childStartedAt];
  if (!ours && leaderStart === null) {
    const marker = `MLFLOW_RUN_ID=${runId}`;
    ours = (groupMembers(pgid) ?? []).some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
      } catch {
        return false;
      }
    });
  }
  return ours && signalGroup(pgid, 'SIGKILL');
}

function defaultContext(): ReapContext {
  return {
    host: os.hostname(), bootId: bootId(), now: Date.now(), staleAfterMs: 4 * HEARTBEAT_MS,
    startTimeOf: processStartTime, alive: pidAlive,
  };
}

async function runningRunsWithRunner(store: TrackingStore): Promise<Run[]> {
  const experimentIds: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.searchExperiments({ viewType: 'ALL', maxResults: 1000, ...(token === undefined ? {} : { pageToken: token }) });
    experimentIds.push(...page.items.map((e) => e.experimentId));
    token = page.nextPageToken;
  } while (token !== undefined);
  const runs: Run[] = [];
  for (let i = 0; i < experimentIds.length; i += 100) {
    token = undefined;
    do {
      const page = await store.searchRuns({
        experimentIds: experimentIds.slice(i, i + 100),
        filter: `attributes.status = 'RUNNING' and tags."${RUNNER_TAGS.pid}" LIKE '%'`,
        maxResults: 1000,
        ...(token === undefined ? {} : { pageToken: token }),
      });
      runs.push(...page.items);
      token = page.nextPageToken;
    } while (token !== undefined);
  }
  return runs;
}

/**
 * Marks FAILED the RUNNING runs whose `mlproject run` died (SIGKILL, a crash, power loss), with
 * an end time and the tag `mlproject.status.reason` = `runner-lost`, and SIGKILLs what is left of
 * their child's process group on this host. Runs without our liveness tags (created by plain
 * `mlflow` scripts, or by `mlflow run`) are never touched. With `artifacts`, logs a dead runner
 * spooled for a remote store on this host are uploaded. One search per 100 experiments.
 * (MLflow has no such thing: a `mlflow run` that dies leaves its run RUNNING forever.)
 * @throws TrackingError when the store cannot be searched; a run that cannot be updated is
 *   returned with `error` instead.
 */
export async function reapLostRuns(
  store: TrackingStore,
  options: { artifacts?: ArtifactAccess; context?: Partial<ReapContext> } = {},
): Promise<ReapedRun[]> {
  const reaped = await reapOnce(store, options);
  // Killing a lost run's group can kill the runner of a run nested in it (a step that ran
  // `mlproject run`): sweep again, so its processes go now rather than at the next command.
  for (let pass = 0; pass < 3 && reaped.some((r) => r.killedChild); pass += 1) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const more = (await reapOnce(store, options)).filter((r) => !reaped.some((x) => x.runId === r.runId));
    if (more.length === 0) break;
    reaped.push(...more);
    if (!more.some((r) => r.killedChild)) break;
  }
  return reaped;
}

async function reapOnce(
  store: TrackingStore,
  options: { artifacts?: ArtifactAccess; context?: Partial<ReapContext> },
): Promise<ReapedRun[]> {
  const context = { ...defaultContext(), ...options.context };
  const reaped: ReapedRun[] = [];
  for (const run of await runningRunsWithRunner(store)) {
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    const why = lostRunnerReason(tags, context);
    if (why === null) continue;
    const local = tags[RUNNER_TAGS.host] === context.host && (tags[RUNNER_TAGS.bootId] ?? '') === context.bootId;
    const result: ReapedRun = { runId: run.info.runId, experimentId: run.info.experimentId, why, killedChild: local && killOrphanGroup(tags, run.info.runId) };
    try {
      const spool = spoolDirOf(run.info.runId);
      if (options.artifacts && local && existsSync(spool)) {
        await uploadSpool(options.artifacts, run.info.artifactUri, spool);
        rmSync(spool, { recursive: true, force: true });
      }
      await store.setTag(run.info.runId, { key: STATUS_REASON_TAG, value: 'runner-lost' });
      await store.updateRun(run.info.runId, { status: 'FAILED', endTime: context.now });
    } catch (error) {
      result.error = error;
    }
    reaped.push(result);
  }
  return reaped;
}

/** One line about a reaped run, for a note on stderr. */
export function reapNotice(reaped: ReapedRun): string {
  if (reaped.error !== undefined) {
    return `mlproject: warning: run ${reaped.runId} is RUNNING but its ${reaped.why}; marking it FAILED failed: ${(reaped.error as Error).message ?? String(reaped.error)}`;
  }
  return `mlproject: note: run ${reaped.runId} was RUNNING but its ${reaped.why}: marked FAILED (mlproject.status.reason=runner-lost)${reaped.killedChild ? ', its leftover processes killed' : ''}`;
}
