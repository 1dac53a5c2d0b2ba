import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { TrackingError } from '@mlproject/tracking';
import { resolveArtifactPath, safeArtifactPath, underRoot } from '../artifacts.js';
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

/** Entries of one directory as the real server lists them: names only, sizes for files. */
async function listDirectory(dir: string, prefix: string): Promise<FileInfo[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const infos = await Promise.all(entries.map(async (e): Promise<FileInfo> => {
    const path = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) return { path, is_dir: true };
    return { path, is_dir: false, file_size: (await stat(join(dir, e.name))).size };
  }));
  return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function wildcardPath(params: unknown): string {
  return safeArtifactPath(String((params as Record<string, string>)['*'] ?? ''));
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
    const target = underRoot(root, wildcardPath(request.params));
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial-${randomBytes(6).toString('hex')}`;
    try {
      await pipeline(request.raw, createWriteStream(partial));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return send(reply, {});
  });

  app.get('/mlflow-artifacts/artifacts/*', async (request, reply) => {
    const target = underRoot(root, wildcardPath(request.params));
    const info = await statOrNull(target);
    if (info === null || !info.isFile()) throw new TrackingError('RESOURCE_DOES_NOT_EXIST', `Artifact '${String((request.params as Record<string, string>)['*'])}' does not exist.`);
    return reply
      .header('Content-Type', 'application/octet-stream')
      .header('Content-Length', String(info.size))
      .header('Content-Disposition', `attachment; filename="${basename(target).replace(/["\\]/g, '_')}"`)
      .header('X-Content-Type-Options', 'nosniff')
      .send(createReadStream(target));
  });

  app.get('/mlflow-artifacts/artifacts', async (request, reply) => {
    const query = parseQueryString(request.url.split('?')[1] ?? '');
    const rel = safeArtifactPath(query.path?.[0] ?? '', { allowEmpty: true });
    const target = underRoot(root, rel);
    const info = await statOrNull(target);
    // A missing path and a file both list as empty, as the real server's local artifact repository
    // answers (`LocalArtifactRepository.list_artifacts`); MLflow 2.x clients rely on it for files.
    if (info === null || !info.isDirectory()) return send(reply, {});
    return send(reply, { files: await listDirectory(target, '') });
  });

  app.delete('/mlflow-artifacts/artifacts/*', async (request, reply) => {
    await rm(underRoot(root, wildcardPath(request.params)), { recursive: true, force: true });
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
    const rel = safeArtifactPath(msg.string('path') ?? '', { allowEmpty: true });
    const runRoot = resolveArtifactPath(root, run.info.artifactUri);
    const dir = underRoot(runRoot, rel);
    const info = await statOrNull(dir);
    const files = info?.isDirectory() ? await listDirectory(dir, rel) : [];
    return send(reply, { root_uri: run.info.artifactUri, files });
  });
}

