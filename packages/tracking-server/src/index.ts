export { createTrackingServer, MLFLOW_API_VERSION, type TrackingServer, type TrackingServerOptions } from './server.js';
export { listArtifactFiles, resolveArtifactPath, safeArtifactPath } from './artifacts.js';
export { httpStatusOf } from './http/errors.js';
