import type { TrackingStore } from '@mlproject/tracking';
import type { ArtifactAccess } from './artifacts.js';
import { RunnerError } from './errors.js';
import { logArtifactPath, readRunLog, type LogStream } from './logs.js';

export interface FollowOptions {
  /** Which logs, each written in turn when not following; default `['stdout']`. */
  streams?: LogStream[];
  /** Keep printing what is appended until the run is no longer RUNNING (`tail -f` that ends). */
  follow?: boolean;
  /** Time between two looks, ms; default 250 for local artifacts, 2000 for a remote server. */
  pollMs?: number;
  /** Receives the bytes as they are, per stream. */
  write: (stream: LogStream, chunk: Buffer) => void;
  /** Aborting it ends a `follow` early. */
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  const timer = setTimeout(done, ms);
  function done(): void {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done, { once: true });
});

/**
 * Writes the kept logs of a run (`logs/stdout.txt`, `logs/stderr.txt`, see `spawnRun`); with
 * `follow`, goes on writing what is appended until the run's status is no longer RUNNING, then
 * writes the rest (the runner completes the logs before it stores the final status). A remote
 * store gets the logs every 30 s while the run goes on, so a follow there lags by as much.
 * @throws TrackingError RESOURCE_DOES_NOT_EXIST for an unknown run; RunnerError
 *   ERR_MLPROJECT_RUN_NO_LOGS when the run has none of the asked logs and will not get them.
 */
export async function followRunLogs(store: TrackingStore, artifacts: ArtifactAccess, runId: string, options: FollowOptions): Promise<void> {
  const streams = options.streams ?? ['stdout'];
  const run = await store.getRun(runId);
  const uri = run.info.artifactUri;
  const pollMs = options.pollMs ?? (artifacts.localDir(uri) === null ? 2_000 : 250);
  const offsets = new Map<LogStream, number>(streams.map((s) => [s, 0]));
  let found = false;
  const drain = async (): Promise<void> => {
    for (const stream of streams) {
      const offset = offsets.get(stream) ?? 0;
      const data = await readRunLog(artifacts, uri, stream, offset);
      if (data === null) continue;
      found = true;
      if (data.length === 0) continue;
      options.write(stream, data);
      offsets.set(stream, offset + data.length);
    }
  };
  let status = run.info.status;
  await drain();
  while (options.follow && (status === 'RUNNING' || status === 'SCHEDULED') && !options.signal?.aborted) {
    await sleep(pollMs, options.signal);
    status = (await store.getRun(runId)).info.status;
    await drain();
  }
  if (!found) {
    throw new RunnerError('ERR_MLPROJECT_RUN_NO_LOGS', `Run '${runId}' has no ${streams.map(logArtifactPath).join(' or ')} (status ${status})`, {
      hint: 'logs are kept for runs started by `mlproject run`; runs of `mlflow run` or of plain scripts have none',
    });
  }
}
