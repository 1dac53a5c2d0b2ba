export { openRestStore, RestStore } from './store.js';
export { openRestArtifacts, RestArtifacts, checkRelativePath, type ArtifactFileInfo } from './artifacts.js';
export { restOptionsFromEnv, DEFAULTS as REST_DEFAULTS, type RestStoreOptions, type RetryInfo } from './options.js';
export { RestTrackingError } from './errors.js';
