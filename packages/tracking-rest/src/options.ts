import { TrackingError } from '@mlproject/tracking';

/**
 * Options of the REST store and artifact client, and reading them from MLflow's own environment
 * variables (`mlflow/environment_variables.py`, `mlflow/utils/rest_utils.py::MlflowHostCreds`).
 */

/** One retry about to happen, for {@link RestStoreOptions.onRetry}. */
export interface RetryInfo {
  /** Which retry this is, from 1 to `maxAttempts`. */
  attempt: number;
  /** How many retries there are at most (the `retries` option: MLflow's 7 by default). */
  maxAttempts: number;
  /** How long until the retry, in ms. */
  waitMs: number;
  /** Why the last attempt failed: an error code (`ECONNREFUSED`), `timed out`, or `HTTP 503`. */
  reason: string;
  /** The server's base URL (credentials removed). */
  url: string;
}

export interface RestStoreOptions {
  /** Sent as `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN). Takes precedence over username/password. */
  token?: string;
  /** With `password`, sent as `Authorization: Basic ...` (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD). */
  username?: string;
  password?: string;
  /** Accept any TLS certificate from an `https://` server (MLFLOW_TRACKING_INSECURE_TLS). Default false. */
  insecureTls?: boolean;
  /** Per attempt, in ms (MLFLOW_HTTP_REQUEST_TIMEOUT is in seconds). Default 120000, as MLflow. */
  timeoutMs?: number;
  /** Retries after the first attempt (MLFLOW_HTTP_REQUEST_MAX_RETRIES). Default 7, as MLflow; at most 10. */
  retries?: number;
  /**
   * Backoff factor in ms (MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR is in seconds). Retry n (n >= 2) waits
   * `backoffMs * 2^(n-1)`, at most 120 s, plus up to `jitterMs`; the first retry does not wait. Default 2000.
   */
  backoffMs?: number;
  /** Random extra wait per retry, in ms (MLFLOW_HTTP_REQUEST_BACKOFF_JITTER, seconds). Default 1000. */
  jitterMs?: number;
  /**
   * Called before each retry (after a failed attempt, before the wait), so a caller can say that the
   * server is not answering instead of waiting silently (7 retries take about 4 minutes).
   */
  onRetry?: (info: RetryInfo) => void;
  /** The fetch to use; default one over undici's `request`, which (unlike `fetch`) reaches any port. */
  fetch?: typeof fetch;
}

/** MLflow's defaults (`mlflow/environment_variables.py`). */
export const DEFAULTS = {
  timeoutMs: 120_000,
  retries: 7,
  maxRetries: 10,
  backoffMs: 2000,
  jitterMs: 1000,
  maxBackoffMs: 120_000,
} as const;

const truthy = (value: string): boolean => ['true', '1', 'yes', 'y', 'on'].includes(value.trim().toLowerCase());

function seconds(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new TrackingError('INVALID_PARAMETER_VALUE', `${name}=${raw} is not a number of seconds; unset it or give e.g. ${name}=120.`);
  return Math.round(value * 1000);
}

/**
 * Reads MLflow's client variables into {@link RestStoreOptions}: `MLFLOW_TRACKING_TOKEN`,
 * `MLFLOW_TRACKING_USERNAME`, `MLFLOW_TRACKING_PASSWORD`, `MLFLOW_TRACKING_INSECURE_TLS` (true/1/yes),
 * `MLFLOW_HTTP_REQUEST_TIMEOUT` (s), `MLFLOW_HTTP_REQUEST_MAX_RETRIES`,
 * `MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR` (s), `MLFLOW_HTTP_REQUEST_BACKOFF_JITTER` (s). Unset or empty
 * variables are left out, so the defaults apply.
 * @throws TrackingError INVALID_PARAMETER_VALUE naming the variable when a number is malformed.
 */
export function restOptionsFromEnv(env: Record<string, string | undefined> = process.env): RestStoreOptions {
  const options: RestStoreOptions = {};
  if (env.MLFLOW_TRACKING_TOKEN) options.token = env.MLFLOW_TRACKING_TOKEN;
  if (env.MLFLOW_TRACKING_USERNAME) options.username = env.MLFLOW_TRACKING_USERNAME;
  if (env.MLFLOW_TRACKING_PASSWORD) options.password = env.MLFLOW_TRACKING_PASSWORD;
  if (env.MLFLOW_TRACKING_INSECURE_TLS !== undefined && env.MLFLOW_TRACKING_INSECURE_TLS !== '') {
    options.insecureTls = truthy(env.MLFLOW_TRACKING_INSECURE_TLS);
  }
  const timeoutMs = seconds(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT');
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const backoffMs = seconds(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR');
  if (backoffMs !== undefined) options.backoffMs = backoffMs;
  const jitterMs = seconds(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER');
  if (jitterMs !== undefined) options.jitterMs = jitterMs;
  const retries = env.MLFLOW_HTTP_REQUEST_MAX_RETRIES;
  if (retries !== undefined && retries.trim() !== '') {
    if (!/^\d+$/.test(retries.trim())) {
      throw new TrackingError('INVALID_PARAMETER_VALUE', `MLFLOW_HTTP_REQUEST_MAX_RETRIES=${retries} is not a whole number; unset it or give e.g. MLFLOW_HTTP_REQUEST_MAX_RETRIES=7.`);
    }
    options.retries = Number(retries);
  }
  return options;
}
