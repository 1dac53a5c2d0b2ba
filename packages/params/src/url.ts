// The parts of Python's urllib that MLflow's path and uri parameter rules depend on (CPython 3.11).

const SCHEME_CHARS = /^[A-Za-z0-9+.-]*$/;

/** The scheme, netloc and path of `urllib.parse.urlsplit(url)` (lower-cased scheme, '' when absent). */
export function urlsplit(url: string): { scheme: string; netloc: string; path: string } {
  // urlsplit strips leading C0 controls and spaces and removes tabs and newlines anywhere.
  let rest = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[A-Za-z]/.test(rest) && SCHEME_CHARS.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end === -1 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end === -1 ? '' : rest.slice(end + 2);
  }
  const path = rest.split('#', 1)[0]?.split('?', 1)[0] ?? '';
  return { scheme, netloc, path };
}

/** `urllib.parse.unquote`: decode `%XX` runs as UTF-8 (invalid bytes become U+FFFD), leave the rest. */
export function unquote(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.slice(1).split('%'), (hex) => Number.parseInt(hex, 16));
    return new TextDecoder('utf-8').decode(bytes);
  });
}

/**
 * The local path a `path` parameter value names, or null when it is a remote URI that MLflow would
 * download. Local means no scheme, or `file:` with no host; the path is percent-decoded
 * (`url2pathname`), so `a%20b.csv` names `a b.csv`.
 *
 * Mirrors `mlflow/utils/file_utils.py::get_local_path_or_none` and `local_file_uri_to_path` (POSIX).
 */
export function localPathOrNull(value: string): string | null {
  const { scheme, netloc } = urlsplit(value);
  if (scheme !== '' && !(scheme === 'file' && netloc === '')) return null;
  return unquote(value.startsWith('file:') ? urlsplit(value).path : value);
}
