import { TrackingError, type TrackingErrorCode } from '@mlproject/tracking';

/**
 * A TrackingError from a remote tracking server: `errorCode` is the server's `error_code` when it is
 * one of ours (else the nearest one), `serverErrorCode` is what the server really sent (e.g.
 * `PERMISSION_DENIED`), `httpStatus` the HTTP status (absent when no answer came), `url` the request URL.
 */
export class RestTrackingError extends TrackingError {
  readonly serverErrorCode: string | undefined;
  readonly httpStatus: number | undefined;
  readonly url: string;
  /** What to do about it, when the message does not say (the CLI prints it as `hint:`). */
  readonly hint: string | undefined;
  constructor(
    errorCode: TrackingErrorCode,
    message: string,
    details: { url: string; httpStatus?: number; serverErrorCode?: string; cause?: unknown; hint?: string },
  ) {
    super(errorCode, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = details.url;
    this.hint = details.hint;
    this.httpStatus = details.httpStatus;
    this.serverErrorCode = details.serverErrorCode;
  }
}

const OURS: ReadonlySet<string> = new Set<TrackingErrorCode>([
  'INVALID_PARAMETER_VALUE', 'RESOURCE_DOES_NOT_EXIST', 'RESOURCE_ALREADY_EXISTS', 'BAD_REQUEST',
  'ENDPOINT_NOT_FOUND', 'NOT_IMPLEMENTED', 'INTERNAL_ERROR', 'UNAUTHENTICATED', 'PERMISSION_DENIED',
  'REQUEST_LIMIT_EXCEEDED', 'TEMPORARILY_UNAVAILABLE',
]);

/** Server codes outside our set, mapped to the nearest of ours. */
const NEAREST: Record<string, TrackingErrorCode> = {
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  RESOURCE_CONFLICT: 'RESOURCE_ALREADY_EXISTS',
  // The real server raises INVALID_STATE for e.g. renaming a deleted experiment: a refusal of the request.
  INVALID_STATE: 'INVALID_PARAMETER_VALUE',
  INVALID_STATE_TRANSITION: 'INVALID_PARAMETER_VALUE',
  MALFORMED_REQUEST: 'BAD_REQUEST',
};

/**
 * The code for an HTTP status without a usable `error_code`, as the Python client's
 * `rest_utils.verify_rest_response` (404 is ENDPOINT_NOT_FOUND: a bare 404 page means no such route).
 */
function codeOfStatus(status: number): TrackingErrorCode {
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 409) return 'RESOURCE_ALREADY_EXISTS';
  if (status === 501) return 'NOT_IMPLEMENTED';
  if (status >= 400 && status < 500) return 'BAD_REQUEST';
  return 'INTERNAL_ERROR';
}

const oneLine = (text: string, max = 200): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
};

/** What the request was, for messages. */
export interface RequestContext {
  method: string;
  url: string;
  /** The tracking URI (or artifact server URL) as the user gave it. */
  baseUrl: string;
  /** Whether an Authorization header was sent. */
  authenticated: boolean;
}

function authError(status: number, serverMessage: string, ctx: RequestContext, serverErrorCode: string | undefined): RestTrackingError {
  // Our own server's message repeats the variables to set; the hint below says it once.
  const said = serverMessage === '' || /MLFLOW_TRACKING_TOKEN/.test(serverMessage) ? '' : ` (${oneLine(serverMessage)})`;
  const message = status === 401
    ? ctx.authenticated
      ? `The tracking server at ${ctx.baseUrl} rejected the credentials given (HTTP 401)${said}: check MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.`
      : `The tracking server at ${ctx.baseUrl} requires authentication (HTTP 401)${said}: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.`
    : `The tracking server at ${ctx.baseUrl} refused ${ctx.method} ${new URL(ctx.url).pathname} (HTTP 403 permission denied)${said}: ${ctx.authenticated ? 'ask for permission for this user, or use other credentials' : 'set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD'}.`;
  return new RestTrackingError(status === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED', message, {
    url: ctx.url, httpStatus: status, ...(serverErrorCode === undefined ? {} : { serverErrorCode }),
  });
}

function parseErrorBody(text: string): { code: string; message: string } | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const { error_code: code, message } = body as Record<string, unknown>;
    if (typeof code !== 'string' && typeof code !== 'number') return undefined;
    return { code: String(code), message: typeof message === 'string' ? message : '' };
  } catch {
    return undefined;
  }
}

/**
 * Turns a non-2xx answer into a RestTrackingError, as `mlflow/utils/rest_utils.py::verify_rest_response`:
 * a JSON `{error_code, message}` keeps the server's code (an HTTP status written as a code, e.g. "404",
 * maps through the status) and its message verbatim; 401/403 say which variables to set; any other body
 * (an HTML page from a proxy) is coded by the HTTP status and says that this may not be an MLflow server.
 */
export function errorFromResponse(status: number, text: string, ctx: RequestContext): RestTrackingError {
  const parsed = parseErrorBody(text);
  if (status === 401 || status === 403) return authError(status, parsed?.message ?? (parsed ? '' : oneLine(text, 120)), ctx, parsed?.code);
  if (parsed !== undefined) {
    const code: TrackingErrorCode = OURS.has(parsed.code)
      ? (parsed.code as TrackingErrorCode)
      : NEAREST[parsed.code] ?? codeOfStatus(/^\d{3}$/.test(parsed.code) ? Number(parsed.code) : status);
    const message = parsed.message === '' ? `${parsed.code} (HTTP ${status}) from ${ctx.method} ${ctx.url}` : parsed.message;
    return new RestTrackingError(code, message, { url: ctx.url, httpStatus: status, serverErrorCode: parsed.code });
  }
  const body = oneLine(text);
  const message = `${ctx.method} ${ctx.url} answered HTTP ${status}${body === '' ? '' : ` (${body})`}, not an MLflow JSON error: check that ${ctx.baseUrl} is an MLflow tracking server and that no proxy is in the way.`;
  return new RestTrackingError(codeOfStatus(status), message, { url: ctx.url, httpStatus: status });
}
