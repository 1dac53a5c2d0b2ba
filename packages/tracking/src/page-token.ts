import { invalidParameter } from './validation.js';

/**
 * Encodes an offset as an opaque page token: base64 of `{"offset": N}`, the format of MLflow's
 * SQL store (`mlflow/utils/search_utils.py::SearchUtils.create_page_token`).
 */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

/**
 * Decodes a token from {@link encodePageToken}; an absent or empty token is offset 0.
 * @throws TrackingError INVALID_PARAMETER_VALUE for a token this store did not produce.
 */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch (cause) {
    throw Object.assign(invalidParameter(`Invalid page token '${token}': it is not one this server produced.`), { cause });
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token '${token}': it holds no valid offset.`);
  }
  return offset;
}

/**
 * Cuts one page out of `rows`, which the caller fetched with `limit = maxResults + 1` at `offset`:
 * returns at most `maxResults` items and a next token only when the extra row came back.
 */
export function pageOf<T>(rows: T[], offset: number, maxResults: number): { items: T[]; nextPageToken?: string } {
  if (rows.length > maxResults) {
    return { items: rows.slice(0, maxResults), nextPageToken: encodePageToken(offset + maxResults) };
  }
  return { items: rows };
}
