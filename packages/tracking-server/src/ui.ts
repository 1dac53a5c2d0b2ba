import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Paths the UI's SPA fallback never answers: the API and the artifact services keep their JSON 404/405.
 * A GET of any other path that no route answers gets the UI's `index.html`, without auth: a data route
 * added outside these prefixes must be added here.
 */
const API_PATHS = /^\/(api|ajax-api|get-artifact|mlflow-artifacts|health|version)(\/|$)/;
/** Where Vite puts the hashed bundle (`build.assetsDir`). */
const ASSETS = 'assets';
/** A last path segment that names a file (`favicon.ico`, `index-3f2a.js`), not a page. */
const FILE_NAME = /\.[A-Za-z0-9]{1,10}$/;

/**
 * The headers of every file of the UI. The CSP fits the built app: its scripts and styles are files
 * of this origin (`style-src 'unsafe-inline'` because the app sets `style` attributes), images may be
 * blob: URLs of fetched artifacts or data: URLs, and it talks only to this origin (and reads back its
 * own blob: URLs). `frame-ancestors 'none'` and `X-Frame-Options: DENY` keep other sites from framing
 * it. Vite's dev server serves its own `index.html`, so none of this applies there.
 */
export const UI_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' blob: data:",
    "font-src 'self'", "connect-src 'self' blob:", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the routes of the UI's own files (`registerUi`). */
    mlprojectUiFile?: boolean;
  }
}

const readsOnly = (method: string): boolean => method === 'GET' || method === 'HEAD';

/** `setHeaders` of the UI's files: `UI_HEADERS`, and `no-cache` on HTML so a rebuilt UI is picked up at once. */
function setUiHeaders(reply: FastifyReply, path: string, _stat: Stats): void {
  void reply.headers(UI_HEADERS);
  if (path.endsWith('.html')) void reply.header('Cache-Control', 'no-cache');
}

/**
 * Serves the built web UI (`@mlproject/ui`'s `dist/`) from `directory` at `/`, reading the directory
 * at each request, so a `pnpm run build` while the server runs is served at once: `/assets/*` (the
 * hashed bundle) is one route, marked so that `isUiRequest` knows it; every other file (`index.html`,
 * `favicon.ico`) and the page paths are answered by `uiFallback` from the not-found handler, so
 * unknown API paths still get the API's JSON 404/405. MLflow's server serves its `js/build` folder
 * the same way (`mlflow/server/__init__.py::serve`).
 */
export async function registerUi(app: FastifyInstance, directory: string): Promise<void> {
  // `reply.sendFile` for uiFallback; no routes of its own.
  await app.register(fastifyStatic, { root: directory, serve: false, index: false, dotfiles: 'ignore', setHeaders: setUiHeaders });
  await app.register(async (scope) => {
    // Encapsulated: the mark reaches only the route @fastify/static adds in this scope.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, mlprojectUiFile: true };
    });
    await scope.register(fastifyStatic, {
      root: resolve(directory, ASSETS), prefix: `/${ASSETS}/`, wildcard: true, index: false, dotfiles: 'ignore',
      decorateReply: false, suppressWarning: true, setHeaders: setUiHeaders,
    });
  });
}

/**
 * True when the request is answered by a file of the UI: a GET or HEAD routed to the UI's
 * `/assets/*`, or one that no route matched outside the API paths (`uiFallback`). Decided on the
 * route the router chose, not on the raw path, so an encoded or otherwise disguised API path can never
 * count as the UI. These files hold no data, so the auth check lets them through (`installSecurity`'s
 * `isPublic`); MLflow's basic-auth app leaves only its bundle (`/static-files`) open and challenges
 * the page itself (`mlflow/server/auth/__init__.py`).
 */
export function isUiRequest(request: FastifyRequest): boolean {
  if (!readsOnly(request.method)) return false;
  if (request.is404) return !API_PATHS.test(request.url.split('?')[0] ?? '');
  return request.routeOptions.config.mlprojectUiFile === true;
}

/** The file of the UI a request path names, relative to `directory`; null when it names none (or a dotfile). */
async function uiFile(directory: string, path: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.') || s.includes('\\') || s.includes('\0'))) return null;
  const root = resolve(directory);
  const target = resolve(root, ...segments);
  if (!target.startsWith(`${root}${sep}`)) return null;
  const info = await stat(target).catch(() => null);
  return info?.isFile() === true ? segments.join('/') : null;
}

/**
 * The not-found handler's part for the UI: a GET or HEAD outside the API paths gets the file of
 * `directory` it names (`/favicon.ico`, `/index.html`, read at each request), 404 for a missing file
 * (a path whose last segment has an extension, under `/assets/` too), and `index.html` for any other
 * path (the SPA fallback: a shared URL of a page loads the app). True when it answered.
 */
export async function uiFallback(request: FastifyRequest, reply: FastifyReply, path: string, directory: string): Promise<boolean> {
  if (!readsOnly(request.method) || API_PATHS.test(path)) return false;
  if (!FILE_NAME.test(path.slice(path.lastIndexOf('/') + 1))) {
    void reply.sendFile('index.html');
    return true;
  }
  const file = await uiFile(directory, path);
  if (file === null) {
    void reply.code(404).type('application/json').send(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `The web UI has no file ${path}.` }));
  } else {
    void reply.sendFile(file);
  }
  return true;
}
