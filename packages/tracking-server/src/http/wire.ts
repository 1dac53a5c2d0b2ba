/**
 * Query strings and JSON bodies as MLflow's server reads them (`mlflow-rest-api.md` §1.2).
 */

/**
 * Parses a query string into arrays of values per key. Accepts repeated keys (`k=a&k=b`, what the
 * Python client sends) and the PHP-style forms older clients and the 2.x UI send (`k[]=a`, `k[0]=a`).
 */
export function parseQueryString(query: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [rawKey, value] of new URLSearchParams(query)) {
    const key = rawKey.replace(/\[\d*\]$/, '');
    (out[key] ??= []).push(value);
  }
  return out;
}

/**
 * Reads a JSON body leniently: empty or unparsable is `{}`; a JSON string holding JSON
 * (double-encoded, from very old clients) is decoded a second time.
 */
export function parseJsonBody(body: Buffer | string | undefined): unknown {
  const text = body === undefined ? '' : body.toString();
  if (text.trim() === '') return {};
  try {
    let parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
    return parsed;
  } catch {
    return {};
  }
}

const nonFinite = (value: number): string => (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');

/**
 * Serialises a response object: non-finite numbers become `"NaN"`, `"Infinity"` and `"-Infinity"`
 * (plain `JSON.stringify` would write `null`, which the client reads as 0), undefined fields are left out.
 */
export function stringifyResponse(body: object): string {
  return JSON.stringify(body, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? nonFinite(value) : value));
}
