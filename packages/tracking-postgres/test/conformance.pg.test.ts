import { afterAll, describe } from 'vitest';
import { describeTrackingStore } from '@mlproject/tracking/conformance';
import { openPostgresStore } from '../src/index.js';
import { dropTestSchemas, freshSchema, pgUri, suiteName } from './pg-server.js';

// Each test gets a fresh, empty store: its own PostgreSQL schema in the one test database.
describe.skipIf(pgUri === undefined)(suiteName('postgres'), () => {
  afterAll(dropTestSchemas);
  describeTrackingStore('postgres (schema per store)', () => openPostgresStore(pgUri ?? '', { schema: freshSchema(), poolSize: 4 }));
});
