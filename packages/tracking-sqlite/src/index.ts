export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './store.js';
export { SCHEMA_VERSION, APPLICATION_ID } from './schema.js';
