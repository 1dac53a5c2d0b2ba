import { setTimeout as sleep } from 'node:timers/promises';
import { TrackingError } from '@mlproject/tracking';
import { RestTrackingError, errorFromResponse, type RequestContext } from './errors.js';
import { DEFAULTS, type RestStoreOptions, type RetryInfo } from './options.js';
import { requestFetch } from './transport.js';

/** One HTTP request to the server. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** Path below the base URL, starting with `/`, already percent-encoded. */
  path: string;
  /** Query parameters; arrays repeat the key (`k=a&k=b`), undefined values are left out. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  /** A JSON body (non-finite numbers become `"NaN"`, `"Infinity"`, `"-Infinity"`). */
  json?: object;
  /** A raw body, sent as `application/octet-stream`. */
  body?: Buffer | string;
  /**
   * Whether repeating the request is harmless once the server may have acted on it. Idempotent requests
   * are retried on timeouts, dropped connections and 408/429/5xx; the others only when the server
   * cannot have seen them (connection refused, name not resolved) or answered 429.
   */
  idempotent: boolean;
  /** Another base URL than the client's (artifacts on `mlflow-artifacts://host:port/`). */
  baseUrl?: string;
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Error codes of a connection that was never made: the server cannot have seen the request. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** TLS verification failures: not retried; the hint names MLFLOW_TRACKING_INSECURE_TLS. */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

const nonFinite = (value: number): string => (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');

/** JSON as MLflow's `message_to_json` writes doubles: NaN and infinities as strings. */
export function stringifyRequest(body: object): string {
  return JSON.stringify(body, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? nonFinite(value) : value));
}

/** The innermost error code of a fetch failure (`fetch failed` -> cause `ECONNREFUSED`), if any. */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** At most this many characters of an error's own text go into a message. */
const MAX_CAUSE_CHARS = 200;

/** OpenSSL's `...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/...` -> `wrong version number`. */
function opensslReason(text: string): string | undefined {
  return /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(text)?.[1]?.trim();
}

/** The failure in one line of at most ~200 characters: `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5000`, `timed out`. */
function describeFailure(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  const code = causeCode(error);
  let inner: unknown = error;
  while ((inner as { cause?: unknown } | null)?.cause !== undefined) inner = (inner as { cause: unknown }).cause;
  const raw = inner instanceof Error ? inner.message : String(inner);
  const text = (opensslReason(raw) ?? raw).replace(/\s+/g, ' ').trim();
  const line = code !== undefined && !text.includes(code) ? `${code}: ${text}` : text;
  return line.length > MAX_CAUSE_CHARS ? `${line.slice(0, MAX_CAUSE_CHARS - 1)}…` : line;
}

/**
 * A TLS handshake that failed for another reason than the certificate (OpenSSL's `ERR_SSL_*`): what to
 * say, and what to do. `wrong version number` is what an `https://` URL to a plain-http server gives.
 */
function handshakeFailure(code: string, error: unknown, baseUrl: string): { reason: string; hint: string } {
  let inner: unknown = error;
  while ((inner as { cause?: unknown } | null)?.cause !== undefined) inner = (inner as { cause: unknown }).cause;
  const reason = opensslReason(inner instanceof Error ? inner.message : '') ?? code.replace(/^ERR_SSL_/, '').toLowerCase().replace(/_/g, ' ');
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|http request|packet length too long/.test(reason)) {
    return { reason: `${reason}: is it an http:// server?`, hint: `if the server does not serve TLS, use ${baseUrl.replace(/^https:/, 'http:')}` };
  }
  return { reason, hint: 'check the https:// URL and port; MLFLOW_TRACKING_INSECURE_TLS=true skips certificate checks only' };
}

/** A short reason for a retry: the error code (`ECONNREFUSED`), or `timed out`. */
function failureReason(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  return causeCode(error) ?? describeFailure(error).slice(0, 80);
}

/** The wait before retry `n` (1-based), as urllib3's Retry with MLflow's backoff settings, or Retry-After. */
function backoff(n: number, options: Required<Pick<RestStoreOptions, 'backoffMs' | 'jitterMs'>>, retryAfter: string | null): number {
  if (retryAfter !== null) {
    const secondsValue = Number(retryAfter);
    const ms = Number.isFinite(secondsValue) ? secondsValue * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), DEFAULTS.maxBackoffMs);
  }
  const base = n <= 1 ? 0 : Math.min(options.backoffMs * 2 ** (n - 1), DEFAULTS.maxBackoffMs);
  return base + Math.random() * options.jitterMs;
}

/**
 * The HTTP layer of the REST store and artifact client: auth header, JSON encoding, per-attempt
 * timeout, retries with backoff (`mlflow/utils/rest_utils.py::http_request`,
 * `mlflow/utils/request_utils.py::_get_request_session`), and error mapping.
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffOptions: { backoffMs: number; jitterMs: number };
  private readonly makeFetch: () => Promise<typeof fetch>;
  private readonly onRetry: ((info: RetryInfo) => void) | undefined;
  private fetchImpl: Promise<typeof fetch> | undefined;

  /**
   * @param baseUrl the tracking URI, `http(s)://host[:port][/prefix]`; one trailing `/` is dropped;
   *   `user:password@` in it becomes Basic auth unless `options` gives credentials.
   * @throws TrackingError INVALID_PARAMETER_VALUE for a URL that is not http(s) or more than 10 retries.
   */
  constructor(baseUrl: string, options: RestStoreOptions = {}) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch (cause) {
      throw new TrackingError('INVALID_PARAMETER_VALUE', `Tracking URI '${baseUrl}' is not a URL: expected http://host:port or https://host.`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TrackingError('INVALID_PARAMETER_VALUE', `Tracking URI '${baseUrl}' is not http:// or https://.`);
    }
    const username = options.username ?? (url.username === '' ? undefined : decodeURIComponent(url.username));
    const password = options.password ?? (url.password === '' ? undefined : decodeURIComponent(url.password));
    url.username = '';
    url.password = '';
    this.baseUrl = url.toString().replace(/\/$/, '');
    if (options.token) this.authorization = `Bearer ${options.token}`;
    else if (username !== undefined) this.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.retries = options.retries ?? DEFAULTS.retries;
    if (!Number.isInteger(this.retries) || this.retries < 0 || this.retries > DEFAULTS.maxRetries) {
      throw new TrackingError('INVALID_PARAMETER_VALUE', `retries must be a whole number from 0 to ${DEFAULTS.maxRetries}, got ${this.retries} (MLFLOW_HTTP_REQUEST_MAX_RETRIES).`);
    }
    this.backoffOptions = { backoffMs: options.backoffMs ?? DEFAULTS.backoffMs, jitterMs: options.jitterMs ?? DEFAULTS.jitterMs };
    this.onRetry = options.onRetry;
    const given = options.fetch;
    this.makeFetch = given ? async () => given : () => requestFetch(options.insecureTls === true);
  }

  private url(request: HttpRequest): string {
    const url = new URL(`${request.baseUrl ?? this.baseUrl}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value as readonly string[]) url.searchParams.append(key, item);
      else url.searchParams.append(key, String(value));
    }
    return url.toString();
  }

  private init(request: HttpRequest): RequestInit {
    const headers: Record<string, string> = { 'user-agent': 'mlproject-tracking-rest' };
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    const init: RequestInit = { method: request.method, headers, redirect: 'follow' };
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = stringifyRequest(request.json);
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      init.body = request.body;
    }
    return init;
  }

  /**
   * Sends `request`, retrying as described on {@link HttpRequest.idempotent}; resolves to the 2xx response.
   * @throws RestTrackingError mapped from the server's error answer, or INTERNAL_ERROR naming the URL when
   *   the server cannot be reached (after the retries), or BAD_REQUEST with a hint for TLS failures.
   */
  async send(request: HttpRequest): Promise<Response> {
    const url = this.url(request);
    const ctx: RequestContext = { method: request.method, url, baseUrl: request.baseUrl ?? this.baseUrl, authenticated: this.authorization !== undefined };
    const doFetch = await (this.fetchImpl ??= this.makeFetch());
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await doFetch(url, { ...this.init(request), signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        const code = causeCode(error);
        if (code !== undefined && code.startsWith('ERR_SSL_')) {
          const { reason, hint } = handshakeFailure(code, error, ctx.baseUrl);
          throw new RestTrackingError('BAD_REQUEST', `Cannot reach the tracking server at ${ctx.baseUrl}: TLS handshake failed (${reason})`, { url, cause: error, hint });
        }
        if (code !== undefined && TLS_CODES.test(code)) {
          throw new RestTrackingError('BAD_REQUEST', `TLS failed for ${ctx.baseUrl} (${describeFailure(error)}): use a trusted certificate (NODE_EXTRA_CA_CERTS=ca.pem), or set MLFLOW_TRACKING_INSECURE_TLS=true to skip verification.`, { url, cause: error });
        }
        const retryable = request.idempotent || (code !== undefined && NOT_SENT.has(code));
        if (retryable && attempt < this.retries) {
          await this.wait(attempt + 1, ctx.baseUrl, failureReason(error), null);
          continue;
        }
        const tries = attempt + 1;
        throw new RestTrackingError('INTERNAL_ERROR', `Cannot reach the tracking server at ${ctx.baseUrl} (${request.method} ${new URL(url).pathname} ${describeFailure(error)}${tries > 1 ? `; ${tries} attempts` : ''}): check that the server is running and that --tracking-uri / MLFLOW_TRACKING_URI points at it.`, { url, cause: error });
      }
      if (response.ok) return response;
      const retryable = RETRY_STATUSES.has(response.status) && (request.idempotent || response.status === 429);
      if (retryable && attempt < this.retries) {
        await response.body?.cancel().catch(() => undefined);
        await this.wait(attempt + 1, ctx.baseUrl, `HTTP ${response.status}`, response.headers.get('retry-after'));
        continue;
      }
      throw errorFromResponse(response.status, await response.text().catch(() => ''), ctx);
    }
  }

  /** Tells {@link RestStoreOptions.onRetry} about retry `n` (1-based), then waits for it. */
  private async wait(n: number, url: string, reason: string, retryAfter: string | null): Promise<void> {
    const waitMs = backoff(n, this.backoffOptions, retryAfter);
    this.onRetry?.({ attempt: n, maxAttempts: this.retries, waitMs, reason, url });
    await sleep(waitMs);
  }

  /**
   * Sends `request` and reads the answer as a JSON object; an empty body is `{}`, as the Python client.
   * @throws RestTrackingError as {@link send}; INTERNAL_ERROR when a 2xx body is not a JSON object.
   */
  async json(request: HttpRequest): Promise<Record<string, unknown>> {
    const response = await this.send(request);
    const text = await response.text();
    if (text.trim() === '') return {};
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new RestTrackingError('INTERNAL_ERROR', `${request.method} ${response.url || request.path} answered a body that is not a JSON object (${text.slice(0, 120).replace(/\s+/g, ' ')}): check that ${request.baseUrl ?? this.baseUrl} is an MLflow tracking server.`, { url: response.url, httpStatus: response.status });
    }
    return body as Record<string, unknown>;
  }
}
