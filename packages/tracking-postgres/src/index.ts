export { PostgresStore, openPostgresStore, type PostgresStoreOptions } from './store.js';
export { SCHEMA_VERSION, MARKER_TABLE } from './schema.js';
export { POSTGRES_SCHEMES, isPostgresUri, maskPassword, parsePostgresUri, type PostgresUri } from './uri.js';
