import { isMap, isPair, isScalar, isSeq, parseAllDocuments, visit, type Document, type Tags, type YAMLError } from 'yaml';
import { SpecError } from './errors.js';
import { pyyamlScalarTags } from './yaml11-tags.js';

const KEPT_TAGS = new Set(['tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq', 'tag:yaml.org,2002:str', 'tag:yaml.org,2002:merge']);
const HINT = 'Fix the YAML; MLflow reads this file with PyYAML (yaml.safe_load, YAML 1.1).';

// Mappings, sequences, strings and `<<` merge keys from the `yaml` package; every other scalar type
// from PyYAML's rules. `!!binary`, `!!set`, `!!omap` and `!!pairs` are left out on purpose: nothing in
// an MLproject needs them, so they fail as unsupported tags instead of producing odd values.
function pyyamlTags(tags: Tags): Tags {
  return [...tags.filter((tag) => typeof tag !== 'string' && KEPT_TAGS.has(tag.tag)), ...pyyamlScalarTags];
}

/**
 * Parse YAML text the way PyYAML's `yaml.safe_load` does (YAML 1.1 scalar types, last duplicate key
 * wins, `<<` merge keys, one document only). Values are represented as described in `values.ts`:
 * floats are {@link PyFloat}, mappings are `Map`s that keep key order and key types.
 *
 * Mirrors `yaml.safe_load` as MLflow calls it in `mlflow/projects/_project_spec.py::load_project`.
 *
 * @param text - the file's text (already decoded from UTF-8)
 * @param file - absolute path used in error messages, or null
 * @param onDuplicateKey - called for each key that repeats an earlier key of the same mapping (PyYAML
 *   silently keeps the last value), with its dotted key path and 1-based lines
 * @returns the document's value; `null` for an empty document (or a file of comments only)
 * @throws {@link SpecError} `ERR_MLPROJECT_SPEC_YAML` on a syntax error, an unknown tag, an invalid
 *   timestamp or int, a file nested too deeply, or more than one document
 */
export function parseYaml(text: string, file: string | null, onDuplicateKey?: (duplicate: DuplicateKey) => void): unknown {
  const docs = parseAllDocuments(text, {
    version: '1.1',
    customTags: pyyamlTags,
    uniqueKeys: false,
    merge: true,
    prettyErrors: true,
  });
  if (docs.length === 0) return null;
  if (docs.length > 1) {
    const line = docs[1]?.range[0] === undefined ? '' : ` (line ${lineOf(text, docs[1].range[0])})`;
    throw new SpecError('ERR_MLPROJECT_SPEC_YAML', `expected a single YAML document, found another document${line}`, {
      file,
      hint: 'Remove the extra `---` document separator; MLflow loads only files with one document.',
    });
  }
  const doc = docs[0]!;
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) throw yamlError(problem, file);
  try {
    clipBlockScalarAtEof(doc, text);
    if (onDuplicateKey !== undefined) findDuplicateKeys(doc.contents, null, text, onDuplicateKey);
    return doc.toJS({ mapAsMap: true, maxAliasCount: 10_000 });
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw nestedTooDeeply(file, error);
    // An undefined alias (`*a`), a merge of a non-mapping (`<<: 1`) or too many aliases fail only here.
    throw new SpecError('ERR_MLPROJECT_SPEC_YAML', `invalid YAML: ${String((error as Error).message).split('\n')[0]}`, { file, hint: HINT, cause: error });
  }
}

/** A key that repeats an earlier key of the same mapping (see {@link parseYaml}). */
export interface DuplicateKey {
  /** Dotted key path of the repeated key, e.g. `entry_points.main.command`. */
  keyPath: string;
  /** 1-based line of the repeated (kept) key. */
  line: number;
  /** 1-based line of the earlier (ignored) key. */
  firstLine: number;
}

// Keys are compared by type and value, as PyYAML compares the constructed keys (`1` and `0x1` collide).
function keyId(key: unknown): string | null {
  if (!isScalar(key)) return null;
  const value = key.value;
  return `${typeof value}:${String(value)}`;
}

function findDuplicateKeys(node: unknown, base: string | null, text: string, report: (d: DuplicateKey) => void): void {
  if (isSeq(node)) {
    node.items.forEach((item, i) => findDuplicateKeys(item, `${base ?? ''}[${i}]`, text, report));
    return;
  }
  if (!isMap(node)) return;
  const seen = new Map<string, number>();
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const key = pair.key;
    const name = isScalar(key) ? String(key.value) : '?';
    const keyPath = base === null ? name : `${base}.${name}`;
    const id = keyId(key);
    const offset = isScalar(key) ? key.range?.[0] : undefined;
    if (id !== null && name !== '<<' && offset !== undefined) {
      const first = seen.get(id);
      if (first !== undefined) report({ keyPath, line: lineOf(text, offset), firstLine: lineOf(text, first) });
      else seen.set(id, offset);
    }
    findDuplicateKeys(pair.value, keyPath, text, report);
  }
}

/**
 * PyYAML ends a block scalar (`|`, `>`, `|+`, `>+`) whose last content line is the file's last line,
 * with no line break after it, without a final newline: the line break it keeps is the one it read,
 * and at the end of the file there is none. The `yaml` package adds one; take it back off.
 */
function clipBlockScalarAtEof(doc: Document.Parsed, text: string): void {
  if (/[\r\n]$/.test(text)) return;
  const lastLine = text.slice(Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
  if (!/[^ \t]/.test(lastLine)) return;
  visit(doc, {
    Scalar(_, node) {
      if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && node.range?.[1] === text.length && typeof node.value === 'string' && node.value.endsWith('\n')) {
        node.value = node.value.slice(0, -1);
      }
    },
  });
}

function yamlError(error: YAMLError, file: string | null): SpecError {
  // prettyErrors gives "<what> at line L, column C:" then a code excerpt; keep the first line.
  const first = (error.message.split('\n')[0] ?? error.message).replace(/:$/, '');
  const deep = /^Maximum call stack size exceeded(?: at (line \d+))?/.exec(first);
  if (deep) return nestedTooDeeply(file, error, deep[1]);
  const tag = /Unresolved tag: tag:yaml\.org,2002:(binary|set|omap|pairs)\b/.exec(first);
  if (tag) {
    return new SpecError('ERR_MLPROJECT_SPEC_UNSUPPORTED', `the YAML type !!${tag[1]} is not supported: ${first}`, {
      file,
      hint: 'Write the value as a plain list, mapping or string.',
      cause: error,
    });
  }
  return new SpecError('ERR_MLPROJECT_SPEC_YAML', `invalid YAML: ${first}`, { file, hint: HINT, cause: error });
}

function nestedTooDeeply(file: string | null, cause: unknown, where?: string): SpecError {
  return new SpecError('ERR_MLPROJECT_SPEC_YAML', `the file is nested too deeply to read${where === undefined ? '' : ` (at ${where})`}`, {
    file,
    hint: 'An MLproject needs only a few levels of nesting; look for runaway brackets or indentation.',
    cause,
  });
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
