import type { FastifyInstance, FastifyReply } from 'fastify';
import { TrackingError } from '@mlproject/tracking';

/** `mlflow/exceptions.py::ERROR_CODE_TO_HTTP_STATUS`; codes not listed are 500. */
const STATUS_BY_CODE: Record<string, number> = {
  BAD_REQUEST: 400,
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** The HTTP status MLflow uses for an `ErrorCode` name. */
export function httpStatusOf(errorCode: string): number {
  return STATUS_BY_CODE[errorCode] ?? 500;
}

/** An error answer: status and the `{error_code, message}` body. */
export interface ErrorAnswer {
  status: number;
  body: { error_code: string; message: string };
}

/**
 * Turns anything thrown by a handler into MLflow's error JSON. TrackingError keeps its code;
 * fastify's own 4xx errors (body too large, bad content) stay 4xx as BAD_REQUEST so the client
 * does not retry them; anything else is a bug of ours: 500 INTERNAL_ERROR.
 * @param limits.maxRequestBytes the server's JSON body limit in bytes, named in the 413 answer.
 */
export function errorAnswer(error: unknown, limits: { maxRequestBytes?: number } = {}): ErrorAnswer {
  if (error instanceof TrackingError || (error instanceof Error && error.name === 'TrackingError' && 'errorCode' in error)) {
    const code = String((error as TrackingError).errorCode);
    return { status: httpStatusOf(code), body: { error_code: code, message: error.message } };
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  let message = error instanceof Error ? error.message : String(error);
  if ((error as { code?: unknown } | null)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' && limits.maxRequestBytes !== undefined) {
    message = `Request body is larger than this server's limit of ${limits.maxRequestBytes} bytes (--max-request-size)`;
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const status = statusCode === 408 || statusCode === 429 ? 400 : statusCode;
    return { status, body: { error_code: status === 400 ? 'INVALID_PARAMETER_VALUE' : 'BAD_REQUEST', message } };
  }
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: `Internal error: ${message}` } };
}

/** 404 ENDPOINT_NOT_FOUND, or 405 when the path exists with other methods. */
export function endpointNotFound(method: string, url: string, allowed: string[]): ErrorAnswer {
  if (allowed.length > 0) {
    return {
      status: 405,
      body: { error_code: 'BAD_REQUEST', message: `Method ${method} is not allowed for ${url}; allowed: ${allowed.join(', ')}.` },
    };
  }
  return { status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND', message: `No API endpoint ${method} ${url}.` } };
}

/** The error handler's settings: the JSON body limit named in a 413, and where unexpected errors go. */
export interface ErrorHandlerOptions {
  maxRequestBytes: number;
  /** Called with every error answered 500 (a bug of ours or an I/O failure). */
  onInternalError: (entry: { method: string; url: string; error: unknown }) => void;
}

/** Removes every header set so far, on the reply and on the raw response (a stream's were copied there). */
function dropHeaders(reply: FastifyReply): void {
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  for (const name of reply.raw.getHeaderNames()) reply.raw.removeHeader(name);
}

/**
 * Answers whatever a handler throws with MLflow's error JSON (`errorAnswer`), reporting each 500 to
 * `onInternalError`. Headers the handler set before it failed are dropped first: a download's
 * `Content-Length` would cut the JSON short, and a header Node refused would make the answer fail
 * again. When the headers are already out, the connection is closed instead (the client sees a cut
 * response, never a body of the wrong length).
 */
export function installErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorAnswer(error, { maxRequestBytes: options.maxRequestBytes });
    if (status === 500) options.onInternalError({ method: request.method, url: request.url, error });
    if (reply.raw.headersSent) {
      reply.raw.destroy();
      return reply;
    }
    dropHeaders(reply);
    return reply.code(status).type('application/json').send(JSON.stringify(body));
  });
}
