import { invalidParameter } from '@mlproject/tracking';

/**
 * Schemes accepted for a PostgreSQL tracking URI: node-postgres' own, and the SQLAlchemy
 * `dialect+driver` forms MLflow users pass to `mlflow server --backend-store-uri`
 * (`mlflow/store/db/utils.py` hands them to SQLAlchemy unchanged).
 */
export const POSTGRES_SCHEMES = ['postgresql', 'postgres', 'postgresql+psycopg2', 'postgresql+psycopg', 'postgresql+pg8000'] as const;

/** A tracking URI taken apart: what node-postgres connects to, and what may be shown. */
export interface PostgresUri {
  /** `postgresql://...` for node-postgres (the driver suffix dropped). */
  connectionString: string;
  /** The URI as given, password replaced by `***` (in the userinfo and in a `password=` query parameter). */
  masked: string;
  /** Whether the URI sets libpq `options` itself (which the `schema` option would override). */
  hasOptions: boolean;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** Whether `uri` names a PostgreSQL store (one of {@link POSTGRES_SCHEMES}). */
export function isPostgresUri(uri: string): boolean {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  return scheme !== undefined && (POSTGRES_SCHEMES as readonly string[]).includes(scheme);
}

/** Replaces the password of a URI with `***`; text that is not a URI is returned as is. */
export function maskPassword(uri: string): string {
  return uri
    .replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:?#]*):[^/@?#]*@/, '$1:***@')
    .replace(/([?&]password=)[^&#]*/i, '$1***');
}

/**
 * Parses a PostgreSQL tracking URI: `postgresql://user:password@host:5432/db?sslmode=require`,
 * `postgres://...`, or SQLAlchemy's `postgresql+psycopg2://...`, `postgresql+psycopg://...`,
 * `postgresql+pg8000://...`. Query parameters are node-postgres' (`sslmode`, `host` for a socket
 * directory, `options`, `application_name`, ...).
 * @throws TrackingError INVALID_PARAMETER_VALUE for another scheme or a URI without a host or socket.
 */
export function parsePostgresUri(uri: string): PostgresUri {
  const masked = maskPassword(String(uri));
  const scheme = SCHEME.exec(uri)?.[1];
  if (scheme === undefined || !isPostgresUri(uri)) {
    throw invalidParameter(
      `Invalid PostgreSQL tracking URI '${masked}': expected one of ${POSTGRES_SCHEMES.map((s) => `${s}://`).join(', ')}, e.g. postgresql://user:password@host:5432/database.`,
    );
  }
  const connectionString = `postgresql://${uri.slice(scheme.length + 3)}`;
  let parsed: URL;
  try {
    parsed = new URL(connectionString);
  } catch (cause) {
    throw Object.assign(invalidParameter(`Invalid PostgreSQL tracking URI '${masked}': it is not a valid URI.`), { cause });
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
    throw invalidParameter(`Invalid PostgreSQL tracking URI '${masked}': it names no host (postgresql://user:password@host:5432/database, or ?host=/run/postgresql for a socket).`);
  }
  return { connectionString, masked, hasOptions: parsed.searchParams.has('options') };
}
