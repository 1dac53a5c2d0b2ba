// The artifact chosen on a run page, kept in the URL beside the run route's own terms:
//   #/runs/<run id>?metric=rmse&artifact=model/MLmodel            a file of the run
//   #/runs/<run id>?artifact=MLmodel&model=m-0123...              a file of one of its logged models
// route.ts does not know these two terms (parseRoute ignores them, formatRoute drops them), so the
// run page reads them here and adds them back to whatever formatRoute makes.

export interface ArtifactSelection {
  /** Path relative to the artifact root of the run, or of the logged model when `model` is set. */
  path: string;
  /** A logged model's ID when the file is one of that model's, not the run's. */
  model?: string;
}

function split(hash: string): [string, URLSearchParams] {
  const at = hash.indexOf('?');
  return at < 0 ? [hash, new URLSearchParams()] : [hash.slice(0, at), new URLSearchParams(hash.slice(at + 1))];
}

/** The selection in a location hash (`#/runs/<id>?...&artifact=...`), or null when it names none. */
export function selectionFromHash(hash: string): ArtifactSelection | null {
  const query = split(hash)[1];
  const path = query.get('artifact');
  if (!path) return null;
  const model = query.get('model');
  return model ? { path, model } : { path };
}

// Slashes stay readable in the URL (`artifact=model/MLmodel`); URLSearchParams reads them back as they are.
const encode = (value: string): string => encodeURIComponent(value).replace(/%2F/g, '/');

/**
 * `hash` with its `artifact` and `model` terms replaced by `selection` (removed for null); every
 * other term is kept in its order, and the new terms come last.
 */
export function hashWithSelection(hash: string, selection: ArtifactSelection | null): string {
  const [path, query] = split(hash);
  query.delete('artifact');
  query.delete('model');
  const terms = [query.toString()];
  if (selection !== null) {
    terms.push(`artifact=${encode(selection.path)}`);
    if (selection.model) terms.push(`model=${encode(selection.model)}`);
  }
  const q = terms.filter(Boolean).join('&');
  return q ? `${path}?${q}` : path;
}

/** True when two selections name the same file. */
export function sameSelection(a: ArtifactSelection | null, b: ArtifactSelection | null): boolean {
  return a?.path === b?.path && (a?.model ?? '') === (b?.model ?? '');
}
