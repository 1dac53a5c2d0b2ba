import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { expectTrackingError, newRun } from '@mlproject/tracking/conformance';
import { MARKER_TABLE, SCHEMA_VERSION, openPostgresStore, type PostgresStore } from '../src/index.js';
import { dropTestSchemas, freshSchema, pgUri, suiteName, withClient } from './pg-server.js';

const uri = pgUri ?? '';
const open: PostgresStore[] = [];
const track = (store: PostgresStore): PostgresStore => (open.push(store), store);

/** Every table of `schema` with its rows, as text: what "untouched" is compared against. */
async function snapshot(schema: string): Promise<string> {
  return withClient(async (client) => {
    const tables = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY c.relname`, [schema]);
    const out: string[] = [];
    for (const { relname } of tables.rows) {
      const kind = await client.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE oid = $1::regclass`, [`"${schema}"."${relname}"`]);
      out.push(relname);
      if (kind.rows[0]?.relkind === 'r') out.push(JSON.stringify((await client.query(`SELECT * FROM "${schema}"."${relname}"`)).rows));
    }
    return out.join('\n');
  });
}

describe.skipIf(pgUri === undefined)(suiteName('PostgresStore specifics'), () => {
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });
  afterAll(dropTestSchemas);

  it('accepts postgres:// and SQLAlchemy URIs and shows the URI with the password masked', async () => {
    const schema = freshSchema();
    const rest = uri.replace(/^[a-z0-9+]+:\/\//, '');
    for (const scheme of ['postgresql', 'postgres', 'postgresql+psycopg2', 'postgresql+pg8000']) {
      const store = track(await openPostgresStore(`${scheme}://${rest}`, { schema }));
      expect(store.uri).toBe(`${scheme}://${rest}`.replace(/:[^:@/]*@/, ':***@'));
      expect(store.uri).toContain(':***@');
      expect((await store.getExperiment('0')).name).toBe('Default');
    }
    await expectTrackingError(openPostgresStore(`mysql://${rest}`), 'INVALID_PARAMETER_VALUE', /expected one of postgresql:\/\//);
    await expectTrackingError(openPostgresStore(uri, { schema: 'Bad-Name' }), 'INVALID_PARAMETER_VALUE', /Invalid schema name/);
  });

  it("without the schema option, uses the connection's current schema (here from the URI's options)", async () => {
    const schema = freshSchema();
    const viaOptions = `${uri}${uri.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
    await expectTrackingError(openPostgresStore(viaOptions), 'INVALID_PARAMETER_VALUE', /search_path names no existing schema/);
    await expectTrackingError(openPostgresStore(viaOptions, { schema }), 'INVALID_PARAMETER_VALUE', /the URI sets options itself/);
    await withClient((c) => c.query(`CREATE SCHEMA "${schema}"`));
    const store = track(await openPostgresStore(viaOptions));
    expect(store.schema).toBeUndefined();
    await store.createExperiment('here');
    const tables = await withClient((c) => c.query(`SELECT name FROM "${schema}".experiments ORDER BY experiment_id`));
    expect(tables.rows).toEqual([{ name: 'Default' }, { name: 'here' }]);
  });

  it('persists across reopening, with integer experiment IDs, NaN and ±Infinity, and a schema version', async () => {
    const schema = freshSchema();
    const first = await openPostgresStore(uri, { schema, defaultArtifactRoot: '/data/artifacts' });
    expect(await first.createExperiment('one')).toBe('1');
    const exp = await first.createExperiment('kept', undefined, [{ key: 'team', value: 'ml' }]);
    expect(exp).toBe('2');
    const run = await newRun(first, { experimentId: exp });
    const id = run.info.runId;
    expect(run.info.artifactUri).toBe(`/data/artifacts/2/${id}/artifacts`);
    const points = [
      { key: 'm', value: 2, timestamp: 5, step: 1 }, { key: 'nan', value: Number.NaN, timestamp: 5, step: 0 },
      { key: 'inf', value: Infinity, timestamp: 5, step: 0 }, { key: 'ninf', value: -Infinity, timestamp: 5, step: 0 },
      { key: 'big', value: 1.7976931348623157e308, timestamp: 2 ** 53 - 1, step: -(2 ** 53 - 1) },
    ];
    await first.logBatch(id, { metrics: points, params: [{ key: 'alpha', value: '0.5' }], tags: [{ key: 't', value: 'v' }] });
    const before = await first.getRun(id);
    await first.close();
    const second = track(await openPostgresStore(uri, { schema }));
    expect(await second.getRun(id)).toEqual(before);
    expect(before.data.metrics).toEqual([...points].sort((a, b) => (a.key < b.key ? -1 : 1)));
    expect((await second.searchExperiments({})).items.map((e) => e.name).sort()).toEqual(['Default', 'kept', 'one']);
    expect((await second.getExperiment('0')).artifactLocation).toBe('/data/artifacts/0');
    const version = await withClient((c) => c.query(`SELECT application, version FROM "${schema}".${MARKER_TABLE}`));
    expect(version.rows).toEqual([{ application: 'mlproject', version: SCHEMA_VERSION }]);
  });

  it('refuses an MLflow database, leaving it untouched', async () => {
    const schema = freshSchema();
    await withClient((c) => c.query(`
      CREATE SCHEMA "${schema}";
      CREATE TABLE "${schema}".alembic_version (version_num varchar(32) PRIMARY KEY);
      INSERT INTO "${schema}".alembic_version VALUES ('1b5f0d9ad7c1');
      CREATE TABLE "${schema}".experiments (experiment_id serial PRIMARY KEY, name varchar(256) UNIQUE NOT NULL, lifecycle_stage varchar(32));
      INSERT INTO "${schema}".experiments (experiment_id, name, lifecycle_stage) VALUES (0, 'Default', 'active');`));
    const before = await snapshot(schema);
    await expectTrackingError(openPostgresStore(uri, { schema }), 'INVALID_PARAMETER_VALUE', /MLflow tracking database \(it has an alembic_version table\)/);
    expect(await snapshot(schema)).toBe(before);
  });

  it('refuses tables named like ours without the marker, and a newer schema version, untouched', async () => {
    const foreign = freshSchema();
    await withClient((c) => c.query(`CREATE SCHEMA "${foreign}"; CREATE TABLE "${foreign}".experiments (id int); CREATE TABLE "${foreign}".inventory (item text);`));
    const foreignBefore = await snapshot(foreign);
    await expectTrackingError(openPostgresStore(uri, { schema: foreign }), 'INVALID_PARAMETER_VALUE', /tables named like ours \(experiments\)/);
    expect(await snapshot(foreign)).toBe(foreignBefore);
    const newer = freshSchema();
    await (await openPostgresStore(uri, { schema: newer })).close();
    await withClient((c) => c.query(`UPDATE "${newer}".${MARKER_TABLE} SET version = ${SCHEMA_VERSION + 1}`));
    const newerBefore = await snapshot(newer);
    await expectTrackingError(openPostgresStore(uri, { schema: newer }), 'INVALID_PARAMETER_VALUE', /newer than this mlproject understands/);
    expect(await snapshot(newer)).toBe(newerBefore);
  });

  it('says what is wrong with the server: wrong password, nothing listening, no such database', async () => {
    const wrong = uri.replace(/:\/\/([^:@/]+)(:[^@/]*)?@/, '://$1:not-the-password@');
    await expectTrackingError(openPostgresStore(wrong, { schema: freshSchema() }), 'UNAUTHENTICATED', /mlproject:\*\*\*@.*password authentication failed/);
    await expectTrackingError(openPostgresStore('postgresql://u:p@127.0.0.1:1/db'), 'TEMPORARILY_UNAVAILABLE', /postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/);
    const missing = uri.replace(/\/[^/?]+(\?|$)/, '/mlproject_no_such_database$1');
    await expectTrackingError(openPostgresStore(missing), 'INVALID_PARAMETER_VALUE', /does not exist\. Create the database first/);
  });

  it('passes filter values as parameters: quotes and semicolons are data', async () => {
    const store = track(await openPostgresStore(uri, { schema: freshSchema() }));
    const run = await newRun(store);
    const evil = "x'; DROP TABLE runs; --";
    await store.logParam(run.info.runId, { key: 'p', value: evil });
    const found = await store.searchRuns({ experimentIds: ['0'], filter: `params.p = "${evil}"` });
    expect(found.items.map((r) => r.info.runId)).toEqual([run.info.runId]);
    expect((await store.searchRuns({ experimentIds: ['0'], filter: `params.p LIKE "x'%"` })).items).toHaveLength(1);
    expect((await store.getRun(run.info.runId)).data.params).toEqual([{ key: 'p', value: evil }]);
    // MLflow's LIKE has no escape character: a backslash is itself, `_` still any one character.
    await store.logParam(run.info.runId, { key: 'q', value: 'x\\yz' });
    expect((await store.searchRuns({ experimentIds: ['0'], filter: "params.q LIKE 'x\\_z'" })).items).toHaveLength(1);
  });
});

const writer = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const run = promisify(execFile);

/** Starts 8 writer processes at once; resolves with their JSON results (rejects if one fails). */
async function writers(args: (index: number) => string[]): Promise<{ index: number; runId: string; experimentId?: string }[]> {
  const children = Array.from({ length: 8 }, (_, i) => run(process.execPath, [writer, ...args(i)]));
  return (await Promise.all(children)).map(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'));
}

// The children run the built package (`pnpm test` builds first), as separate `mlproject run` processes would.
describe.skipIf(pgUri === undefined)(suiteName('PostgresStore with 8 writer processes'), () => {
  afterAll(dropTestSchemas);

  it('8 processes open one empty schema at once, race for one experiment name, and log to their own runs: nothing lost', async () => {
    const schema = freshSchema();
    const results = await writers((i) => ['own', uri, schema, String(i)]);
    const store = await openPostgresStore(uri, { schema });
    try {
      const experiments = (await store.searchExperiments({})).items.map((e) => e.name).sort();
      expect(experiments).toEqual(['Default', 'race']);
      const experimentId = results[0]?.experimentId ?? '';
      expect(new Set(results.map((r) => r.experimentId))).toEqual(new Set([experimentId]));
      const runs = (await store.searchRuns({ experimentIds: [experimentId] })).items;
      expect(runs.map((r) => r.info.runName).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `writer-${i}`).sort());
      for (const r of runs) {
        const index = r.info.runName.replace('writer-', '');
        expect((await store.getMetricHistory(r.info.runId, 'loss')).items.map((m) => m.step)).toEqual(Array.from({ length: 200 }, (_, i) => i));
        expect(r.data.metrics).toEqual([{ key: 'loss', value: 199, timestamp: 1_700_000_000_019, step: 199 }]);
        expect(r.data.params).toHaveLength(20);
        expect(r.data.params.every((p) => p.value === index)).toBe(true);
        expect(r.data.tags).toContainEqual({ key: 'batch', value: '19' });
      }
    } finally {
      await store.close();
    }
  });

  it('8 processes log point by point to one shared run: every point kept, the latest right', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore(uri, { schema });
    try {
      const shared = await newRun(store);
      const id = shared.info.runId;
      await writers((i) => ['shared', uri, schema, String(i), id]);
      const all = (await store.getMetricHistory(id, 'all')).items;
      expect(all).toHaveLength(8 * 50);
      expect(new Set(all.map((m) => m.step)).size).toBe(8 * 50);
      const got = await store.getRun(id);
      for (let i = 0; i < 8; i += 1) {
        expect((await store.getMetricHistory(id, `w${i}`)).items).toHaveLength(50);
        expect(got.data.tags).toContainEqual({ key: `w${i}`, value: 'done' });
        expect(got.data.metrics).toContainEqual({ key: `w${i}`, value: 49, timestamp: 1_700_000_000_049, step: 49 });
      }
      expect(got.data.metrics).toContainEqual({ key: 'all', value: 7, timestamp: 1_700_000_000_049, step: 7049 });
      expect(got.data.params).toEqual([{ key: 'same', value: 'for everyone' }]);
    } finally {
      await store.close();
    }
  });
});
