// What kind of preview an artifact file gets, decided from its name (and, for names that say
// nothing, from its bytes), and the pure parts of the previews: a CSV cut to its first rows and an
// MLmodel file's summary. No DOM here, so all of it is unit-tested in Node.
import Papa from 'papaparse';
import { parse as parseYaml } from 'yaml';

export type ArtifactKind = 'text' | 'json' | 'csv' | 'tsv' | 'image' | 'mlmodel' | 'unknown';

/** Files larger than this are never loaded for a preview, only offered for download (bytes, 5 MiB). */
export const PREVIEW_LIMIT_BYTES = 5 * 1024 * 1024;
/** A file whose name says nothing is previewed as text only up to this size (bytes, 1 MiB). */
export const SNIFF_LIMIT_BYTES = 1024 * 1024;
/** A CSV or TSV preview shows at most this many data rows (the header row not counted). */
export const CSV_ROW_LIMIT = 1000;

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp',
};
const TEXT_EXTENSIONS = new Set(['txt', 'log', 'py', 'yaml', 'yml', 'md', 'diff', 'patch', 'toml', 'cfg', 'ini', 'sh', 'r', 'sql', 'jsonl', 'rst']);

const baseName = (path: string): string => path.split('/').pop() ?? path;

/** The extension of a path's last segment, lower-case, without the dot; '' when it has none (`MLmodel`, `.env`). */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * The preview an artifact gets, from its path alone: `mlmodel` for a file named `MLmodel`, `image`
 * for png/jpg/gif/svg/webp, `json`, `csv`, `tsv`, `text` for source, config, logs, diffs and
 * `requirements*` files, else `unknown` (then {@link looksLikeText} decides on the bytes).
 */
export function artifactKind(path: string): ArtifactKind {
  const name = baseName(path);
  if (name === 'MLmodel') return 'mlmodel';
  if (/^requirements.*\.(txt|in)$/i.test(name) || name === 'requirements') return 'text';
  const ext = extensionOf(path);
  if (ext in IMAGE_TYPES) return 'image';
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv') return 'tsv';
  if (TEXT_EXTENSIONS.has(ext)) return 'text';
  return 'unknown';
}

/** The MIME type to give an image's bytes (the server sends every artifact as octet-stream); '' for a non-image. */
export function imageType(path: string): string {
  return IMAGE_TYPES[extensionOf(path)] ?? '';
}

/**
 * True when `bytes` (a whole file of at most {@link SNIFF_LIMIT_BYTES}) is text worth showing:
 * valid UTF-8 with no NUL byte. Binary formats (pickles, zips, skops) fail one or the other.
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length > SNIFF_LIMIT_BYTES || bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** `512 B`, `27.3 KiB`, `5.0 MiB`, `1.2 GiB`; '' when unknown. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export interface CsvPreview {
  header: string[];
  /** At most `limit` data rows. */
  rows: string[][];
  /** Data rows in the whole file. */
  totalRows: number;
  /** True when rows were left out. */
  cut: boolean;
  /** Papaparse's complaints (unclosed quotes, ragged rows), one line each, at most five. */
  problems: string[];
}

/**
 * Parses CSV (delimiter guessed) or TSV text with papaparse and keeps the header and the first
 * `limit` data rows; empty lines are skipped. The whole text is parsed, so `totalRows` is exact.
 */
export function csvPreview(text: string, kind: 'csv' | 'tsv', limit = CSV_ROW_LIMIT): CsvPreview {
  const parsed = Papa.parse<string[]>(text, { delimiter: kind === 'tsv' ? '\t' : '', skipEmptyLines: true });
  const [header = [], ...data] = parsed.data;
  return {
    header,
    rows: data.slice(0, limit),
    totalRows: data.length,
    cut: data.length > limit,
    problems: parsed.errors.slice(0, 5).map((e) => (e.row === undefined ? e.message : `row ${e.row + 1}: ${e.message}`)),
  };
}

export interface SchemaField { name: string; type: string }
export interface MLmodelSummary {
  flavors: { name: string; details: [string, string][] }[];
  runId?: string;
  modelId?: string;
  mlflowVersion?: string;
  created?: string;
  sizeBytes?: number;
  artifactPath?: string;
  /** null when the model has no signature; `params` only when the signature has some. */
  signature: { inputs: SchemaField[]; outputs: SchemaField[]; params: SchemaField[] } | null;
}

/** One column or tensor spec of a signature as `name` and a short type (`double`, `tensor float64 [-1, 4]`). */
function schemaField(spec: unknown, index: number): SchemaField {
  const s = (spec ?? {}) as { name?: unknown; type?: unknown; required?: unknown; 'tensor-spec'?: { dtype?: unknown; shape?: unknown } };
  let type = typeof s.type === 'string' ? s.type : JSON.stringify(s.type ?? '');
  if (s['tensor-spec']) type = `tensor ${String(s['tensor-spec'].dtype ?? '')} ${JSON.stringify(s['tensor-spec'].shape ?? [])}`;
  if (s.required === false) type += ' (optional)';
  return { name: typeof s.name === 'string' ? s.name : `[${index}]`, type };
}

/** A signature part as MLmodel stores it: a JSON string of a list of specs (or the list itself). */
function schemaFields(value: unknown): SchemaField[] {
  let list = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      return [{ name: '(unreadable)', type: value }];
    }
  }
  return Array.isArray(list) ? list.map(schemaField) : [];
}

const scalar = (v: unknown): string | undefined => (v === null || v === undefined || typeof v === 'object' ? undefined : String(v));

/**
 * Summarises an MLmodel file (YAML written by `mlflow.models.Model.save`): its flavors with their
 * scalar settings, run and model IDs, MLflow version, creation time, model size and signature.
 * @throws Error (the yaml library's) when the text is not YAML, or when it is not a mapping.
 */
export function summarizeMLmodel(text: string): MLmodelSummary {
  const doc: unknown = parseYaml(text);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('MLmodel is not a YAML mapping');
  const m = doc as Record<string, unknown>;
  const flavors = Object.entries((m['flavors'] ?? {}) as Record<string, unknown>).map(([name, body]) => ({
    name,
    details: Object.entries((body ?? {}) as Record<string, unknown>)
      .map(([k, v]): [string, string | undefined] => [k, scalar(v)])
      .filter((kv): kv is [string, string] => kv[1] !== undefined),
  }));
  const sig = m['signature'] as Record<string, unknown> | undefined | null;
  const size = Number(m['model_size_bytes']);
  const summary: MLmodelSummary = {
    flavors,
    signature: sig ? { inputs: schemaFields(sig['inputs']), outputs: schemaFields(sig['outputs']), params: schemaFields(sig['params']) } : null,
  };
  const set = <K extends keyof MLmodelSummary>(key: K, value: MLmodelSummary[K] | undefined): void => {
    if (value !== undefined) summary[key] = value;
  };
  set('runId', scalar(m['run_id']));
  set('modelId', scalar(m['model_id']));
  set('mlflowVersion', scalar(m['mlflow_version']));
  set('created', scalar(m['utc_time_created']));
  set('artifactPath', scalar(m['artifact_path']));
  set('sizeBytes', Number.isFinite(size) && m['model_size_bytes'] !== undefined && m['model_size_bytes'] !== null ? size : undefined);
  return summary;
}
