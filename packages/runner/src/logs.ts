import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ArtifactAccess } from './artifacts.js';

/** The child's two output streams, kept as run artifacts `logs/stdout.txt` and `logs/stderr.txt`. */
export type LogStream = 'stdout' | 'stderr';
export const LOG_STREAMS: readonly LogStream[] = ['stdout', 'stderr'];

/** The artifact path of a stream's log, e.g. `logs/stdout.txt`. */
export function logArtifactPath(stream: LogStream): string {
  return `logs/${stream}.txt`;
}

/** How often a remote store gets the spooled logs while the run goes on, ms. */
export const LOG_UPLOAD_MS = 30_000;

/**
 * Where the logs of a run on a remote store are spooled before upload:
 * `<tmpdir>/mlproject-logs-<uid>/<runId>/`. A same-host reaper uploads what a dead runner left there.
 */
export function spoolDirOf(runId: string): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `mlproject-logs-${uid}`, runId);
}

/** The open log files of a running run. */
export interface RunLogs {
  /** Appends a chunk as it is (bytes, not lines), synchronously: on disk before the next chunk is read. */
  write(stream: LogStream, chunk: Buffer): void;
  /** Closes the files; for a remote store uploads them one last time and removes the spool. */
  close(): Promise<void>;
}

/**
 * Opens the log files of a run. A local store gets them straight in the run's artifact directory,
 * so a crash of the runner loses nothing already read; a remote store (`localDir` is null) gets a
 * spool file uploaded every `uploadEveryMs` (default {@link LOG_UPLOAD_MS}) and at the end.
 * Errors writing or uploading go to `onError` once per kind and never stop the run.
 * (MLflow keeps no logs: `mlflow run` only inherits the terminal.)
 */
export function openRunLogs(
  artifacts: ArtifactAccess,
  artifactUri: string,
  runId: string,
  options: { uploadEveryMs?: number; onError?: (what: string, error: unknown) => void } = {},
): RunLogs {
  const localDir = artifacts.localDir(artifactUri);
  const dir = localDir === null ? spoolDirOf(runId) : localDir;
  const reported = new Set<string>();
  const onError = (what: string, error: unknown): void => {
    if (reported.has(what)) return;
    reported.add(what);
    options.onError?.(what, error);
  };
  const fds = new Map<LogStream, number>();
  for (const stream of LOG_STREAMS) {
    const file = path.join(dir, logArtifactPath(stream));
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fds.set(stream, openSync(file, 'w'));
    } catch (error) {
      onError(`cannot keep the ${stream} log in ${file}`, error);
    }
  }
  let uploading: Promise<void> = Promise.resolve();
  const upload = (): Promise<void> => {
    uploading = uploading.then(() => uploadSpool(artifacts, artifactUri, dir).catch((error: unknown) => onError('cannot upload the logs', error)));
    return uploading;
  };
  const timer = localDir === null ? setInterval(() => void upload(), options.uploadEveryMs ?? LOG_UPLOAD_MS) : undefined;
  timer?.unref();
  return {
    write(stream, chunk) {
      const fd = fds.get(stream);
      if (fd === undefined) return;
      try {
        for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done);
      } catch (error) {
        onError(`cannot write the ${stream} log`, error);
      }
    },
    async close() {
      clearInterval(timer);
      for (const fd of fds.values()) closeSync(fd);
      fds.clear();
      if (localDir !== null) return;
      await upload();
      if (!reported.has('cannot upload the logs')) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Uploads the spooled `logs/*.txt` under `dir` as the run's artifacts (whole files: the remote
 * artifact API has no append). Missing files are skipped.
 * @throws whatever `artifacts.write` throws (TrackingError from a remote server).
 */
export async function uploadSpool(artifacts: ArtifactAccess, artifactUri: string, dir: string): Promise<void> {
  for (const stream of LOG_STREAMS) {
    const file = path.join(dir, logArtifactPath(stream));
    if (existsSync(file)) await artifacts.write(artifactUri, logArtifactPath(stream), readFileSync(file));
  }
}

/**
 * The bytes of a run's log from `offset` (bytes) on, or null when the run has no such log (yet).
 * Local artifacts are read from `offset` only; remote ones are downloaded whole and sliced.
 */
export async function readRunLog(artifacts: ArtifactAccess, artifactUri: string, stream: LogStream, offset = 0): Promise<Buffer | null> {
  const localDir = artifacts.localDir(artifactUri);
  if (localDir === null) {
    const data = await artifacts.read(artifactUri, logArtifactPath(stream));
    return data === null ? null : data.subarray(Math.min(offset, data.length));
  }
  const file = path.join(localDir, logArtifactPath(stream));
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return null;
  }
  if (size <= offset) return Buffer.alloc(0);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
