/**
 * MLflow `ErrorCode` names (`mlflow/protos/databricks.proto`) that tracking stores raise.
 * The server maps them to HTTP statuses as `mlflow/exceptions.py::ERROR_CODE_TO_HTTP_STATUS` does.
 */
export type TrackingErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'BAD_REQUEST'
  | 'ENDPOINT_NOT_FOUND'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL_ERROR'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'TEMPORARILY_UNAVAILABLE';

/**
 * An error a tracking store raises for a request it refuses. `errorCode` is MLflow's code;
 * `code` is this project's stable `ERR_MLPROJECT_TRACKING_*` code for the CLI.
 */
export class TrackingError extends Error {
  readonly errorCode: TrackingErrorCode;
  readonly code: string;
  constructor(errorCode: TrackingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrackingError';
    this.errorCode = errorCode;
    this.code = `ERR_MLPROJECT_TRACKING_${errorCode}`;
  }
}
