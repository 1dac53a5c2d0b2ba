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
