import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths the UI's SPA fallback never answers: the API and the artifact services keep their JSON 404/405. */
const API_PATHS = /^\/(api|ajax-api|get-artifact|mlflow-artifacts|health|version)(\/|$)/;

/**
 * Serves the built web UI (`@mlproject/ui`'s `dist/`) from `directory` at `/`: one route per file
 * found at start-up (`wildcard: false`, so unknown paths still reach the API's not-found handler).
 * MLflow's server does the same with its `js/build` folder (`mlflow/server/__init__.py::serve`).
 */
export async function registerUi(app: FastifyInstance, directory: string): Promise<void> {
  await app.register(fastifyStatic, { root: directory, prefix: '/', wildcard: false, index: ['index.html'], decorateReply: true });
}

/**
 * The SPA fallback: a GET or HEAD of a page path (not the API) gets `index.html`, so a shared URL
 * of a page the client routes still loads the app. True when it answered.
 */
export function uiFallback(request: FastifyRequest, reply: FastifyReply, path: string): boolean {
  if ((request.method !== 'GET' && request.method !== 'HEAD') || API_PATHS.test(path)) return false;
  void reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  return true;
}
