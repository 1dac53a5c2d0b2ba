export { fetchProject } from './fetch.js';
export { SourceError, type SourceErrorCode } from './errors.js';
export type { FetchedProject, FetchOptions, Provenance } from './types.js';
export { parseProjectUri, parseBrowserLink, normaliseSubdir, stripCredentials, type ParsedUri } from './uri.js';
export { defaultSourceCacheDir } from './cache.js';
export { DEFAULT_MAX_DIFF_BYTES } from './local.js';
