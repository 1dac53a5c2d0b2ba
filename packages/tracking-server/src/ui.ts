import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Paths the UI's SPA fallback never answers: the API and the artifact services keep their JSON 404/405.
 * A GET of any other path that no route answers gets the UI's `index.html`, without auth: a data route
 * added outside these prefixes must be added here.
 */
const API_PATHS = /^\/(api|ajax-api|get-artifact|mlflow-artifacts|health|version)(\/|$)/;
declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the routes of the UI's own files (`registerUi`). */
    mlprojectUiFile?: boolean;
  }
}

const readsOnly = (method: string): boolean => method === 'GET' || method === 'HEAD';

/**
 * Serves the built web UI (`@mlproject/ui`'s `dist/`) from `directory` at `/`: one GET/HEAD route per
 * file found at start-up (`wildcard: false`, so unknown paths still reach the API's not-found handler),
 * each marked so that `isUiRequest` knows it. MLflow's server does the same with its `js/build` folder
 * (`mlflow/server/__init__.py::serve`).
 */
export async function registerUi(app: FastifyInstance, directory: string): Promise<void> {
  await app.register(async (scope) => {
    // Encapsulated: the mark reaches only the routes @fastify/static adds in this scope.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, mlprojectUiFile: true };
    });
    await scope.register(fastifyStatic, { root: directory, prefix: '/', wildcard: false, index: ['index.html'], decorateReply: false });
  });
}

/**
 * True when the request is answered by a file of the UI: a GET or HEAD routed to one of the files
 * `registerUi` serves, or one that no route matched outside the API paths (the SPA fallback's
 * `index.html`). Decided on the route the router chose, not on the raw path, so an encoded or
 * otherwise disguised API path can never count as the UI. These files hold no data, so the auth check
 * lets them through (`installSecurity`'s `isPublic`); MLflow's basic-auth app leaves only its bundle
 * (`/static-files`) open and challenges the page itself (`mlflow/server/auth/__init__.py`).
 */
export function isUiRequest(request: FastifyRequest): boolean {
  if (!readsOnly(request.method)) return false;
  if (request.is404) return !API_PATHS.test(request.url.split('?')[0] ?? '');
  return request.routeOptions.config.mlprojectUiFile === true;
}

/**
 * The SPA fallback: a GET or HEAD of a page path (not the API) gets `directory/index.html`, so a
 * shared URL of a page the client routes still loads the app. True when it answered.
 */
export function uiFallback(request: FastifyRequest, reply: FastifyReply, path: string, directory: string): boolean {
  if (!readsOnly(request.method) || API_PATHS.test(path)) return false;
  void reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(createReadStream(join(directory, 'index.html')));
  return true;
}
