import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TrackingError } from '@mlproject/tracking';
import { safeArtifactPath, servedArtifactDir, underRoot } from '../artifacts.js';
import { ARTIFACT_SECURITY_HEADERS, byteRange, contentDisposition } from '../http/download.js';
import { Message } from '../http/message.js';
import { parseQueryString } from '../http/wire.js';
import { RUN_ID } from './runs.js';
import type { ApiContext } from './types.js';

/** The exact prefix the Python client checks before falling back from multipart to a single PUT. */
const MULTIPART_UNSUPPORTED = 'Multipart upload is not supported for the current artifact repository';

interface FileInfo { path: string; is_dir: boolean; file_size?: number }

async function statOrNull(path: string): Promise<import('node:fs').Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** True when `path` (which exists) lies under `root` once symlinks are followed. */
async function reallyUnder(root: string, path: string): Promise<boolean> {
  const [realRoot, realPath] = await Promise.all([realpath(root).catch(() => root), realpath(path)]);
  return realPath === realRoot || realPath.startsWith(`${realRoot}/`);
}

/** `dir` when it is missing or really under `root`; a directory reached through a symlink out of the root is "not there". */
async function realDirUnder(root: string, dir: string): Promise<string> {
  if ((await statOrNull(dir)) !== null && !(await reallyUnder(root, dir))) {
    throw new TrackingError('RESOURCE_DOES_NOT_EXIST', 'No such artifact directory.');
  }
  return dir;
}

/** Refuses an upload whose nearest existing ancestor directory lies outside `root` (a symlinked directory). */
async function checkWritableUnder(root: string, target: string): Promise<void> {
  let dir = dirname(target);
  while ((await statOrNull(dir)) === null && dir !== dirname(dir)) dir = dirname(dir);
  if (!(await reallyUnder(root, dir)) && (await statOrNull(root)) !== null) {
    throw new TrackingError('INVALID_PARAMETER_VALUE', 'Invalid path: it leads out of the artifact root through a symbolic link.');
  }
}

/** Entries of one directory as the real server lists them: names only, sizes for files; symbolic links are left out. */
async function listDirectory(dir: string, prefix: string): Promise<FileInfo[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() || e.isDirectory());
  const infos = await Promise.all(entries.map(async (e): Promise<FileInfo> => {
    const path = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) return { path, is_dir: true };
    return { path, is_dir: false, file_size: (await stat(join(dir, e.name))).size };
  }));
  return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A pass-through that fails once more than `limit` bytes went through it. */
function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(tooLarge(limit));
      else done(null, chunk);
    },
  });
}

function tooLarge(limit: number): Error {
  return Object.assign(new Error(`Artifact upload is larger than this server's limit of ${limit} bytes.`), { statusCode: 413 });
}

/**
 * Opens a file for download only when it really lies under `root` once symlinks are followed;
 * `null` when it is missing or not a regular file.
 */
async function fileUnderRoot(root: string, target: string): Promise<import('node:fs').Stats | null> {
  const info = await statOrNull(target);
  if (info === null || !info.isFile()) return null;
  return (await reallyUnder(root, target)) ? info : null;
}

/**
 * Sends a file as an attachment that no browser renders as a page of this origin
 * (`ARTIFACT_SECURITY_HEADERS`). The file is opened before any header is set, so a failure to open it
 * is still answered as an error; a read failure after the headers went out cuts the response short
 * and is reported to `ctx.onInternalError`.
 */
async function sendFile(request: FastifyRequest, reply: FastifyReply, ctx: ApiContext, target: string, size: number): Promise<FastifyReply> {
  // One byte range (`Range: bytes=N-`, as the UI asks for the new end of a growing log): 206 with just
  // those bytes; a range past the end: 416. Flask's send_file, behind MLflow's server, does the same.
  const range = byteRange(request.headers.range, size);
  if (range === 'unsatisfiable') {
    return reply.code(416).headers(ARTIFACT_SECURITY_HEADERS).header('Content-Range', `bytes */${size}`).header('Accept-Ranges', 'bytes').send('');
  }
  const handle = await open(target, 'r');
  const stream = range === null ? handle.createReadStream() : handle.createReadStream({ start: range.start, end: range.end });
  stream.on('error', (error) => ctx.onInternalError({ method: request.method, url: request.url, error }));
  try {
    reply.headers(ARTIFACT_SECURITY_HEADERS).header('Accept-Ranges', 'bytes').header('Content-Disposition', contentDisposition(basename(target)));
    if (range === null) reply.header('Content-Length', String(size));
    else reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`).header('Content-Length', String(range.end - range.start + 1));
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return reply.send(stream);
}

/** The `*` of a route, checked as a path to write (`reading: false`) or to read. */
function wildcardPath(params: unknown, reading: boolean): string {
  return safeArtifactPath(String((params as Record<string, string>)['*'] ?? ''), { reading });
}

/** Refuses an upload to a directory: what the client sends for a file under a directory whose name holds '#'. */
async function checkNamesFile(raw: string, target: string): Promise<void> {
  if (raw.endsWith('/') || (await statOrNull(target))?.isDirectory() === true) {
    throw new TrackingError('INVALID_PARAMETER_VALUE', `Invalid path ${JSON.stringify(raw)}: it names a directory, not a file (the client cuts a URL at '#', so a name holding '#' arrives cut there: rename it).`);
  }
}

/**
 * The mlflow-artifacts service (A2-A8 of `mlflow-rest-api.md`, `mlflow/server/handlers.py`
 * `_upload_artifact`, `_download_artifact`, `_list_artifacts_mlflow_artifacts`, `_delete_artifact_mlflow_artifacts`)
 * under `/mlflow-artifacts`, plus the UI's `GET /mlflow/artifacts/list`. Register inside an encapsulated
 * plugin: it replaces the body parsers so uploads stream to disk with any content type.
 */
export async function registerArtifactRoutes(app: FastifyInstance, ctx: ApiContext, send: (reply: FastifyReply, body: object) => FastifyReply): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  const root = ctx.artifactsDestination;

  app.put('/mlflow-artifacts/artifacts/*', async (request, reply) => {
    const target = underRoot(root, wildcardPath(request.params, false));
    await checkNamesFile(String((request.params as Record<string, string>)['*'] ?? ''), target);
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > ctx.maxArtifactBytes) throw tooLarge(ctx.maxArtifactBytes);
    await checkWritableUnder(root, target);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial-${randomBytes(6).toString('hex')}`;
    try {
      await pipeline(request.raw, byteLimit(ctx.maxArtifactBytes), createWriteStream(partial));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return send(reply, {});
  });

  app.get('/mlflow-artifacts/artifacts/*', async (request, reply) => {
    const target = underRoot(root, wildcardPath(request.params, true));
    const info = await fileUnderRoot(root, target);
    if (info === null) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Artifact ${JSON.stringify(String((request.params as Record<string, string>)['*']))} does not exist.`);
    return sendFile(request, reply, ctx, target, info.size);
  });

  app.get('/mlflow-artifacts/artifacts', async (request, reply) => {
    const query = parseQueryString(request.url.split('?')[1] ?? '');
    const rel = safeArtifactPath(query.path?.[0] ?? '', { allowEmpty: true, reading: true });
    const target = await realDirUnder(root, underRoot(root, rel)).catch(() => null);
    if (target === null) return send(reply, {});
    const info = await statOrNull(target);
    // A missing path and a file both list as empty, as the real server's local artifact repository
    // answers (`LocalArtifactRepository.list_artifacts`); MLflow 2.x clients rely on it for files.
    if (info === null || !info.isDirectory()) return send(reply, {});
    const files = await listDirectory(target, '');
    // Protobuf JSON leaves an empty list out, as the real server answers an empty directory.
    return send(reply, files.length === 0 ? {} : { files });
  });

  app.delete('/mlflow-artifacts/artifacts/*', async (request, reply) => {
    const target = underRoot(root, wildcardPath(request.params, false));
    await checkWritableUnder(root, target);
    await rm(target, { recursive: true, force: true });
    return send(reply, {});
  });

  for (const action of ['create', 'complete', 'abort']) {
    app.post(`/mlflow-artifacts/mpu/${action}/*`, async () => {
      throw new TrackingError('NOT_IMPLEMENTED', `${MULTIPART_UNSUPPORTED}: uploads go through a single PUT.`);
    });
  }

  // The UI's listing by run: paths relative to the run's artifact root, one directory level.
  app.get('/mlflow/artifacts/list', async (request, reply) => {
    const msg = Message.fromQuery(parseQueryString(request.url.split('?')[1] ?? ''));
    const run = await ctx.store.getRun(msg.requiredOneOf(...RUN_ID));
    const rel = safeArtifactPath(msg.string('path') ?? '', { allowEmpty: true, reading: true });
    const runRoot = servedArtifactDir(root, run.info.artifactUri);
    const dir = await realDirUnder(root, underRoot(runRoot, rel));
    const info = await statOrNull(dir);
    const files = info?.isDirectory() ? await listDirectory(dir, rel) : [];
    return send(reply, { root_uri: run.info.artifactUri, files });
  });
}


/**
 * `GET /get-artifact?run_id=...&path=...` (also `run_uuid`): one file of a run's artifacts, as
 * `mlflow/server/handlers.py::get_artifact_handler` serves it to the UI. Only for runs whose
 * artifacts this server holds (`mlflow-artifacts:/` or local paths).
 */
export async function registerGetArtifact(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/get-artifact', async (request, reply) => {
    const msg = Message.fromQuery(parseQueryString(request.url.split('?')[1] ?? ''));
    const run = await ctx.store.getRun(msg.requiredOneOf(...RUN_ID));
    const rel = safeArtifactPath(msg.string('path') ?? '', { reading: true });
    const runRoot = servedArtifactDir(ctx.artifactsDestination, run.info.artifactUri);
    const target = underRoot(runRoot, rel);
    const info = await fileUnderRoot(ctx.artifactsDestination, target);
    if (info === null) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Artifact ${JSON.stringify(rel)} of run ${run.info.runId} does not exist.`);
    return sendFile(request, reply, ctx, target, info.size);
  });
}
