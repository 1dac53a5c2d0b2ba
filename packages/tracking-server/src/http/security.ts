import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Who may call the server. With neither field set, anyone who can reach the port may. The real
 * `mlflow` client sends `Authorization: Bearer $MLFLOW_TRACKING_TOKEN`, or Basic with
 * `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD` (`mlflow/utils/rest_utils.py::http_request`).
 */
export interface ServerAuth {
  /** Accept `Authorization: Bearer <token>`. */
  token?: string;
  /** Accept `Authorization: Basic` with one of these name/password pairs. */
  users?: { username: string; password: string }[];
}

export interface SecurityOptions {
  auth?: ServerAuth | undefined;
  /** The server listens on a loopback address: refuse other `Host` names. */
  loopbackOnly: boolean;
  /** Requests that need no credentials beyond `/health` and `/version` (the web UI's files). */
  isPublic?: ((request: FastifyRequest) => boolean) | undefined;
}

/** Paths anyone may call: load balancers probe them. */
const OPEN_PATHS = new Set(['/health', '/version']);
const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

/** Constant-time equality of two secrets (compared as sha256 digests, so lengths leak nothing). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** True when the `Authorization` header carries the token or a known user's password. */
export function authorized(header: string | undefined, auth: ServerAuth): boolean {
  if (header === undefined) return false;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer' && auth.token !== undefined) return sameSecret(value, auth.token);
  if (scheme?.toLowerCase() === 'basic' && auth.users !== undefined) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const name = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    // Every user is compared, so the time taken does not tell which names exist.
    return auth.users.map((u) => sameSecret(name, u.username) && sameSecret(password, u.password)).includes(true);
  }
  return false;
}

/** The host name of a `Host` header value (`a.b:5000`, `[::1]:5000`), lowercased. */
function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  return trimmed.replace(/:\d+$/, '');
}

/** True for `localhost`, `::1` / `[::1]` and IPv4 literals in 127.0.0.0/8 (not names that merely start with `127.`). */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_NAMES.has(name) || (isIP(name) === 4 && name.startsWith('127.'));
}

/**
 * The 401 message: how to authenticate when no credential came, else what was wrong with the one
 * that did, in a few words (the web UI shows it on its sign-in panel; clients add their own hint).
 */
export function unauthenticatedMessage(header: string | undefined, auth: ServerAuth): string {
  if (header === undefined || header.trim() === '') {
    return 'Authentication required: set MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD) for this server.';
  }
  const scheme = header.trim().split(/\s+/, 1)[0]?.toLowerCase();
  const users = (auth.users?.length ?? 0) > 0;
  if (scheme === 'bearer' && auth.token !== undefined) return 'Credentials refused: wrong token';
  if (scheme === 'basic' && users) return 'Credentials refused: wrong user name or password';
  const takes = auth.token !== undefined && users ? 'a token (Bearer) or a user name and password (Basic)'
    : auth.token !== undefined ? 'only a token (Bearer)' : 'only a user name and password (Basic)';
  return `Credentials refused: this server takes ${takes}`;
}

function refuse(reply: FastifyReply, status: number, errorCode: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify({ error_code: errorCode, message }));
}

/**
 * Installs the checks every request passes before its handler:
 * - auth (when `auth` names a token or users), except for `/health`, `/version` and what `isPublic`
 *   accepts: 401 UNAUTHENTICATED with `WWW-Authenticate` otherwise (`Basic realm="mlproject"` only when
 *   there are users, `Bearer` only when there is a token), and a message that tells a missing
 *   credential from a refused one;
 * - on a loopback-bound server, a `Host` header that is not a loopback name is refused (403), so a web
 *   page cannot reach the server through DNS rebinding;
 * - a state-changing request (not GET/HEAD/OPTIONS) from a browser page of another origin (its `Origin`
 *   header names another host) is refused (403): the API takes any content type, so it must not be
 *   callable cross-site. MLflow before 3.5 had neither check (`mlflow/server/security.py` added them).
 */
export function installSecurity(app: FastifyInstance, options: SecurityOptions): void {
  const auth = options.auth;
  const authOn = auth !== undefined && (auth.token !== undefined || (auth.users?.length ?? 0) > 0);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const host = request.headers.host ?? '';
    if (options.loopbackOnly && host !== '' && !isLoopbackHost(hostName(host))) {
      return refuse(reply, 403, 'PERMISSION_DENIED', `Host '${host}' is not allowed: this server only answers loopback names (it was started on a loopback address).`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      let originHost = '';
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {
        originHost = '';
      }
      if (originHost !== host.toLowerCase()) {
        return refuse(reply, 403, 'PERMISSION_DENIED', `Cross-origin ${request.method} from '${origin}' refused.`);
      }
    }
    if (authOn && !OPEN_PATHS.has(path) && !(options.isPublic?.(request) ?? false) && !authorized(request.headers.authorization, auth)) {
      // Only a server with users challenges with Basic: that is what makes a browser show its own
      // sign-in dialog, which a token-only server must not cause (the web UI asks for the token).
      const schemes = [auth.users?.length ? 'Basic realm="mlproject"' : '', auth.token !== undefined ? 'Bearer' : ''].filter(Boolean);
      reply.header('WWW-Authenticate', schemes.join(', '));
      return refuse(reply, 401, 'UNAUTHENTICATED', unauthenticatedMessage(request.headers.authorization, auth));
    }
    return undefined;
  });
}
