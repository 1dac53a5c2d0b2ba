export {
  createTrackingServer, MLFLOW_API_VERSION, DEFAULT_MAX_ARTIFACT_BYTES, DEFAULT_MAX_REQUEST_BYTES, type TrackingServer, type TrackingServerOptions,
} from './server.js';
export type { InternalErrorEntry } from './routes/types.js';
export { isLoopbackHost, type ServerAuth } from './http/security.js';
export { listArtifactFiles, resolveArtifactPath, safeArtifactPath } from './artifacts.js';
export { httpStatusOf } from './http/errors.js';
