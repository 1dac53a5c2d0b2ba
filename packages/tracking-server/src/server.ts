import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { TrackingStore } from '@mlproject/tracking';
import { endpointNotFound, installErrorHandler } from './http/errors.js';
import { Message } from './http/message.js';
import { installSecurity, isLoopbackHost, type ServerAuth } from './http/security.js';
import { parseJsonBody, parseQueryString, stringifyResponse } from './http/wire.js';
import { registerArtifactRoutes, registerGetArtifact } from './routes/artifacts.js';
import { experimentRoutes } from './routes/experiments.js';
import { loggedModelRoutes } from './routes/logged-models.js';
import { loggingRoutes } from './routes/logging.js';
import { runRoutes } from './routes/runs.js';
import type { ApiContext, ApiRoute, InternalErrorEntry } from './routes/types.js';
import { isUiRequest, registerUi, uiFallback } from './ui.js';

/** The MLflow version whose REST API this server speaks, answered by `GET /version`. */
export const MLFLOW_API_VERSION = '3.0.0';
const PREFIXES = ['/api/2.0', '/ajax-api/2.0'];
/** Bytes. */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Bytes. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 8 * 1024 * 1024 * 1024;
const JSON_ROUTES: ApiRoute[] = [...experimentRoutes, ...runRoutes, ...loggingRoutes, ...loggedModelRoutes];

export interface TrackingServerOptions {
  store: TrackingStore;
  /** Absolute local directory that `mlflow-artifacts:/` URIs map to (created on first upload). */
  artifactsDestination: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /**
   * Require a token or Basic credentials on every call but `/health`, `/version` and the web UI's own
   * files (`uiDirectory`: they hold no data; the UI asks for the credentials itself). Default: none.
   */
  auth?: ServerAuth;
  /** Largest JSON request body in bytes; larger ones get 413. Default 16 MiB (a full log-batch is well under 1 MiB). */
  maxRequestBytes?: number;
  /** Largest artifact upload in bytes; larger ones get 413 and nothing is kept. Default 8 GiB. */
  maxArtifactBytes?: number;
  /**
   * Absolute directory of a built web UI (`@mlproject/ui`'s `dist/`, with `index.html`) to serve at `/`,
   * read at each request (a rebuild is served at once): its files by path, 404 for a missing file,
   * and every other non-API GET answered by its `index.html`. These are served without auth
   * (`isUiRequest`), with a CSP (`UI_HEADERS`); the API and the artifacts still need auth. Default: no UI.
   */
  uiDirectory?: string;
  /** Called after each response (for logs and tests); `ms` is the handling time. */
  onResponse?: (entry: { method: string; url: string; status: number; ms: number }) => void;
  /**
   * Called with each unexpected error: one answered 500 INTERNAL_ERROR (a bug of ours or an I/O
   * failure), or a download cut short after its headers went out. Default: the method, URL and stack
   * on stderr (the server keeps no other log).
   */
  onInternalError?: (entry: InternalErrorEntry) => void;
}

export interface TrackingServer {
  /** e.g. `http://127.0.0.1:5123`; use as `MLFLOW_TRACKING_URI`. */
  url: string;
  port: number;
  /** Stops listening and closes connections; the store stays open (it belongs to the caller). */
  close(): Promise<void>;
}

const send = (reply: FastifyReply, body: object): FastifyReply => reply.type('application/json').send(stringifyResponse(body));

/** `/api/3.0/mlflow/server-info` as MLflow 3.x servers answer it: no workspaces, no multipart, no presigned URLs. */
function serverInfo(store: TrackingStore): object {
  return {
    store_type: store.uri.startsWith('sqlite:') ? 'SqlStore' : null,
    workspaces_enabled: false,
    trace_archival_enabled: false,
    multipart_uploads_enabled: false,
    multipart_downloads_enabled: false,
    presigned_upload_run_id_supported: false,
    presigned_upload_model_id_supported: false,
    features_enabled: { gateway: false },
  };
}

/** A regexp for a fastify route path (`:param`, `*`), to answer 405 for known paths with other methods. */
function routePattern(url: string): RegExp {
  const body = url.split('/').map((s) => (s === '*' ? '.*' : s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))).join('/');
  return new RegExp(`^${body}/?$`);
}

/** The default `onInternalError`: one entry on stderr, the stack included. */
function logInternalError({ method, url, error }: InternalErrorEntry): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`tracking server: internal error answering ${method} ${url}: ${detail}\n`);
}

function buildApp(options: TrackingServerOptions): FastifyInstance {
  const ctx: ApiContext = {
    store: options.store,
    artifactsDestination: options.artifactsDestination,
    maxArtifactBytes: options.maxArtifactBytes ?? DEFAULT_MAX_ARTIFACT_BYTES,
    onInternalError: options.onInternalError ?? logInternalError,
  };
  const app = Fastify({
    logger: false,
    // close() ends every connection, busy or idle: a keep-alive client must not hold a run open.
    forceCloseConnections: true,
    bodyLimit: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    routerOptions: { querystringParser: parseQueryString, ignoreTrailingSlash: true, maxParamLength: 2000 },
  });
  const known: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) known.push({ method: String(method), pattern: routePattern(route.url) });
  });
  if (options.onResponse) {
    const onResponse = options.onResponse;
    app.addHook('onResponse', async (request, reply) => {
      onResponse({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime });
    });
  }
  installSecurity(app, {
    auth: options.auth,
    loopbackOnly: isLoopbackHost(options.host ?? '127.0.0.1'),
    ...(options.uiDirectory !== undefined ? { isPublic: isUiRequest } : {}),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  installErrorHandler(app, { maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES, onInternalError: ctx.onInternalError });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (options.uiDirectory !== undefined && (await uiFallback(request, reply, path, options.uiDirectory))) return reply;
    const allowed = [...new Set(known.filter((k) => k.method !== 'HEAD' && k.pattern.test(path)).map((k) => k.method))];
    const { status, body } = endpointNotFound(request.method, path, allowed);
    return send(reply.code(status), body);
  });

  for (const prefix of PREFIXES) {
    void app.register(async (scope) => {
      for (const route of JSON_ROUTES) {
        scope.route({
          method: route.method,
          url: route.path,
          handler: async (request, reply) => {
            const base = request.method === 'GET' || request.method === 'HEAD'
              ? Message.fromQuery(request.query as Record<string, string[]>)
              : Message.fromJson(parseJsonBody(request.body as Buffer | undefined));
            const msg = base.with(request.params as Record<string, string>);
            return send(reply, await route.handler(msg, ctx));
          },
        });
      }
    }, { prefix });
    void app.register(async (scope) => registerArtifactRoutes(scope, ctx, send), { prefix });
  }
  for (const path of ['/api/3.0/mlflow/server-info', '/ajax-api/3.0/mlflow/server-info']) {
    app.get(path, async (_request, reply) => send(reply, serverInfo(options.store)));
  }
  void app.register(async (scope) => registerGetArtifact(scope, ctx));
  if (options.uiDirectory !== undefined) void registerUi(app, options.uiDirectory);
  app.get('/health', async (_request, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', async (_request, reply) => reply.type('text/plain').send(MLFLOW_API_VERSION));
  return app;
}

/**
 * Serves MLflow's tracking REST API 2.0 (under `/api/2.0` and `/ajax-api/2.0`) over `store`, with
 * the mlflow-artifacts service writing under `artifactsDestination`, `/api/3.0/mlflow/server-info`,
 * `/health` and `/version`: what `mlflow server --serve-artifacts` offers the Python client
 * (`mlflow/server/handlers.py`), without the model registry. Wire rules: `mlflow-rest-api.md`.
 * @returns once listening; `url` is what to put in `MLFLOW_TRACKING_URI`.
 * @throws Error when the port cannot be bound (e.g. EADDRINUSE).
 */
export async function createTrackingServer(options: TrackingServerOptions): Promise<TrackingServer> {
  const host = options.host ?? '127.0.0.1';
  const app = buildApp(options);
  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: async () => {
      await app.close();
    },
  };
}
