import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The test server: MLPROJECT_TEST_POSTGRES_URI (e.g. postgresql://mlproject:mlproject@127.0.0.1:5432/mlproject_test),
 * which `source scripts/ci-postgres.sh` sets. Unset: the suites skip and say why in their names.
 */
export const pgUri = process.env['MLPROJECT_TEST_POSTGRES_URI'] || undefined;

/** A suite name that carries the reason when it is skipped. */
export function suiteName(name: string): string {
  return pgUri === undefined ? `${name} (skipped: MLPROJECT_TEST_POSTGRES_URI is not set)` : name;
}

const created: string[] = [];
const prefix = `mlp_test_${randomBytes(4).toString('hex')}`;

/** A new, unused schema name; dropped by {@link dropTestSchemas}. Each test file (and run) has its own prefix. */
export function freshSchema(): string {
  const name = `${prefix}_${created.length + 1}`;
  created.push(name);
  return name;
}

/** Runs `fn` with a plain client on the test database (outside any store). */
export async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUri });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops every schema {@link freshSchema} handed out. */
export async function dropTestSchemas(): Promise<void> {
  if (pgUri === undefined || created.length === 0) return;
  const names = created.splice(0);
  await withClient(async (client) => {
    for (const name of names) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  });
}
