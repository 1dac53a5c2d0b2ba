/**
 * Headers of an artifact download. The artifacts are served from the UI's own origin, so a file a
 * browser would render (HTML, SVG, XML) must never run as a page of that origin: every download is an
 * attachment of type `application/octet-stream`, never sniffed, and should a browser render it
 * anyway, the sandbox CSP makes it a document of an opaque origin without script. MLflow's server
 * (`mlflow/server/handlers.py`, `_send_artifact`) also always answers with an attachment and
 * `X-Content-Type-Options: nosniff`, but with the type guessed from the name and no CSP.
 */
export const ARTIFACT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/octet-stream',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** RFC 5987 `attr-char`: what `filename*` may hold unencoded. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/** `name` in printable ASCII for the plain `filename=`: accents dropped, anything else (and `"`, `\`) as `_`. */
function asciiFallback(name: string): string {
  const stripped = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const ascii = Array.from(stripped, (c) => (/^[\x20-\x7e]$/.test(c) && c !== '"' && c !== '\\' ? c : '_')).join('');
  return ascii === '' ? 'download' : ascii;
}

/** UTF-8 bytes percent-encoded except `attr-char` (never throws, unlike encodeURIComponent on a lone surrogate). */
function percentEncoded(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `Content-Disposition: attachment` for a file name, as RFC 6266 and RFC 5987 write it: a name in
 * printable ASCII without `"` or `\` is quoted as is (`attachment; filename="model.pkl"`); any other
 * gets an ASCII fallback plus the exact name in UTF-8 (`attachment; filename="__.txt";
 * filename*=UTF-8''%E6%95%B0%E6%8D%AE.txt`). The value is always printable ASCII, so Node accepts it
 * as a header whatever the name holds (non-Latin-1 letters, emoji, a newline).
 */
export function contentDisposition(filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename) && !/["\\]/.test(filename)) return `attachment; filename="${filename}"`;
  return `attachment; filename="${asciiFallback(filename)}"; filename*=UTF-8''${percentEncoded(filename)}`;
}

/**
 * The byte range a `Range` header asks of a file of `size` bytes (RFC 9110 §14.1.2), one range only:
 * `bytes=10-` (from 10), `bytes=10-19`, `bytes=-5` (the last 5). Returns `{ start, end }` (inclusive),
 * `'unsatisfiable'` when it starts at or past the end (answer 416), or `null` for no header, another
 * unit, several ranges or a malformed value (answer 200 with the whole file, as RFC 9110 allows).
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header ?? '');
  if (match === null) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  if (end < start) return null;
  return { start, end };
}
