import pg from 'pg';

/** Anything that runs a query: the pool (reads, one statement each) or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** What every store operation needs: the pool, a clock (epoch ms) and the default artifact root. */
export interface Ctx {
  pool: pg.Pool;
  now: () => number;
  defaultArtifactRoot: string;
}

const INT8_OID = 20;

/**
 * A pool whose connections use `schema` as their search path (when given) and read `bigint`
 * columns (epoch ms, steps) as JS numbers: every value the store writes there is a safe integer.
 */
export function createPool(connectionString: string, options: { max: number; schema?: string }): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
    },
  });
  // An idle connection the server closes (restart, idle timeout) is dropped by the pool; without a
  // listener node would treat the event as an uncaught error and exit.
  pool.on('error', () => undefined);
  return pool;
}

/** Collects positional parameters and hands out their placeholders (`$1`, `$2`, ...). Values are never inlined. */
export class Args {
  readonly values: unknown[] = [];

  /** Adds `value` and returns its placeholder, with `::cast` when given (e.g. `float8`, `text[]`). */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast === undefined ? `$${this.values.length}` : `$${this.values.length}::${cast}`;
  }
}

/** The SQLSTATE of a PostgreSQL error, or undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

// serialization_failure, deadlock_detected: the transaction did nothing and may simply run again.
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs `fn` in one transaction on one pooled connection (READ COMMITTED; writers to the same run
 * queue on its row lock). Commits when `fn` resolves, rolls back when it throws, and runs it again
 * (up to 5 times) when PostgreSQL aborts it for a deadlock or a serialization failure.
 */
export async function write<T>(ctx: Ctx, fn: (q: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await ctx.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError as Error;
      });
      if (attempt < 5 && RETRYABLE.has(sqlState(error) ?? '')) continue;
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/**
 * Runs independent queries: side by side on the pool (several connections), one after the other on
 * a single client (node-postgres deprecates overlapping queries on one client).
 */
export async function allQueries<T extends unknown[]>(q: Queryable, ...thunks: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (q instanceof pg.Pool) return Promise.all(thunks.map((thunk) => thunk())) as Promise<T>;
  const out: unknown[] = [];
  for (const thunk of thunks) out.push(await thunk());
  return out as T;
}
