import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TrackingStore } from '@mlproject/tracking';
import { openJsonStore } from '@mlproject/tracking-json';
import { openPostgresStore } from '@mlproject/tracking-postgres';
import { openRestStore } from '@mlproject/tracking-rest';
import { createTrackingServer } from '@mlproject/tracking-server';
import { openSqliteStore } from '@mlproject/tracking-sqlite';

/** A store behind the server under test, opened fresh in `dir` for each test. */
export interface StoreCase {
  name: string;
  /** For test names; says why when the case is skipped. */
  title: string;
  skip: boolean;
  open(dir: string): Promise<{ store: TrackingStore; close: () => Promise<void> }>;
}

const postgresUri = process.env['MLPROJECT_TEST_POSTGRES_URI'];

/**
 * Every store kind: SQLite and JSON files, PostgreSQL (a fresh schema each time; the server comes
 * from `MLPROJECT_TEST_POSTGRES_URI`, which `.ci/run` sets), and the REST client store in front of a
 * second server of ours (so the server under test is a proxy to another MLflow-compatible server).
 */
export const STORE_CASES: StoreCase[] = [
  {
    name: 'sqlite', title: 'sqlite', skip: false,
    async open(dir) {
      const store = openSqliteStore(join(dir, 'mlproject.db'));
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'json', title: 'json', skip: false,
    async open(dir) {
      const store = await openJsonStore(join(dir, 'runs.json'));
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'postgres',
    title: postgresUri ? 'postgres' : 'postgres (skipped: MLPROJECT_TEST_POSTGRES_URI is not set)',
    skip: !postgresUri,
    async open() {
      const store = await openPostgresStore(postgresUri ?? '', { schema: `e2e_${randomBytes(6).toString('hex')}` });
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'rest', title: 'rest (a store that is another server of ours)', skip: false,
    async open(dir) {
      mkdirSync(join(dir, 'upstream'), { recursive: true });
      const upstreamStore = openSqliteStore(join(dir, 'upstream', 'mlproject.db'));
      const upstream = await createTrackingServer({ store: upstreamStore, artifactsDestination: join(dir, 'upstream', 'artifacts') });
      const store = openRestStore(upstream.url);
      return {
        store,
        close: async () => {
          await store.close();
          await upstream.close();
          await upstreamStore.close();
        },
      };
    },
  },
];
