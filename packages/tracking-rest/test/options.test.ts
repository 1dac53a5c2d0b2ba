import { describe, expect, it } from 'vitest';
import { restOptionsFromEnv } from '../src/index.js';

describe('restOptionsFromEnv', () => {
  it("reads MLflow's own variables, seconds turned into ms", () => {
    expect(restOptionsFromEnv({
      MLFLOW_TRACKING_TOKEN: 'tok', MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw',
      MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_HTTP_REQUEST_TIMEOUT: '30', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '3',
      MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.5', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0',
    })).toEqual({ token: 'tok', username: 'ann', password: 'pw', insecureTls: true, timeoutMs: 30_000, retries: 3, backoffMs: 500, jitterMs: 0 });
  });

  it('leaves unset and empty variables out, and reads false-like TLS values as false', () => {
    expect(restOptionsFromEnv({})).toEqual({});
    expect(restOptionsFromEnv({ MLFLOW_TRACKING_TOKEN: '', MLFLOW_HTTP_REQUEST_TIMEOUT: ' ', MLFLOW_TRACKING_INSECURE_TLS: 'false' })).toEqual({ insecureTls: false });
  });

  it('names the variable when a number is malformed', () => {
    expect(() => restOptionsFromEnv({ MLFLOW_HTTP_REQUEST_TIMEOUT: 'soon' })).toThrow(/MLFLOW_HTTP_REQUEST_TIMEOUT=soon is not a number of seconds/);
    expect(() => restOptionsFromEnv({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2.5' })).toThrow(/MLFLOW_HTTP_REQUEST_MAX_RETRIES=2.5 is not a whole number/);
  });
});
