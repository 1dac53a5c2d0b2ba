export { openRestStore, RestStore } from './store.js';
export { openRestArtifacts, RestArtifacts, checkRelativePath, type ArtifactFileInfo } from './artifacts.js';
export { restOptionsFromEnv, type RestStoreOptions } from './options.js';
export { RestTrackingError } from './errors.js';
