// The pure parts of the run page's artifact previews: which preview a file gets, the text sniffing
// of files whose name says nothing, a CSV cut to its first rows, an MLmodel's summary, the artifact
// terms of the URL (which must survive route.ts's round-trip), logged-model artifact roots and
// commit links.
import { describe, expect, it } from 'vitest';
import {
  artifactKind, csvPreview, extensionOf, formatBytes, imageType, looksLikeText, SNIFF_LIMIT_BYTES, summarizeMLmodel,
} from '../src/artifact-kind.js';
import { hashWithSelection, sameSelection, selectionFromHash } from '../src/artifact-selection.js';
import { servedArtifactRoot } from '../src/logged-models.js';
import { commitUrl } from '../src/provenance.js';
import { formatRoute, parseRoute } from '../src/route.js';

describe('artifactKind', () => {
  it('names the preview of each kind of file from its path', () => {
    const cases: [string, string][] = [
      ['model/MLmodel', 'mlmodel'], ['MLmodel', 'mlmodel'], ['model/mlmodel.txt', 'text'],
      ['plots/loss.PNG', 'image'], ['a.jpeg', 'image'], ['a.jpg', 'image'], ['x.gif', 'image'], ['icon.svg', 'image'], ['p.webp', 'image'],
      ['metrics.json', 'json'], ['data/train.csv', 'csv'], ['data/train.tsv', 'tsv'],
      ['logs/stdout.txt', 'text'], ['build.log', 'text'], ['train.py', 'text'], ['conda.yaml', 'text'], ['python_env.yml', 'text'],
      ['README.md', 'text'], ['source/uncommitted.diff', 'text'], ['model/requirements.txt', 'text'], ['requirements', 'text'],
      ['model/model.skops', 'unknown'], ['model.pkl', 'unknown'], ['LICENSE', 'unknown'], ['.env', 'unknown'], ['archive.tar.gz', 'unknown'],
    ];
    expect(cases.map(([path]) => [path, artifactKind(path)])).toEqual(cases);
  });

  it('takes the extension of the last segment only, and gives images their MIME type', () => {
    expect(extensionOf('dir.v2/file')).toBe('');
    expect(extensionOf('a/b.tar.GZ')).toBe('gz');
    expect(imageType('x/plot.svg')).toBe('image/svg+xml');
    expect(imageType('x/plot.JPG')).toBe('image/jpeg');
    expect(imageType('notes.txt')).toBe('');
  });
});

describe('looksLikeText', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  it('accepts UTF-8 text and refuses NUL bytes, broken UTF-8 and files over 1 MiB', () => {
    expect(looksLikeText(bytes('name: x\nvalue: ünïcode ✓\n'))).toBe(true);
    expect(looksLikeText(new Uint8Array([]))).toBe(true);
    expect(looksLikeText(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBe(false); // a zip (skops)
    expect(looksLikeText(new Uint8Array([0x80, 0x04, 0x95, 0x41]))).toBe(false); // a pickle: not UTF-8
    expect(looksLikeText(new Uint8Array(SNIFF_LIMIT_BYTES + 1).fill(0x61))).toBe(false);
  });
});

describe('formatBytes', () => {
  it('prints bytes below 1 KiB and one decimal above', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(5 * 1024 * 1024), formatBytes(undefined)])
      .toEqual(['0 B', '1023 B', '1.5 KiB', '5.0 MiB', '']);
  });
});

describe('csvPreview', () => {
  it('keeps the header and the first rows, and says how many there were', () => {
    const text = ['x,y', ...Array.from({ length: 1500 }, (_, i) => `${i},${i * 2}`), ''].join('\n');
    const csv = csvPreview(text, 'csv');
    expect(csv.header).toEqual(['x', 'y']);
    expect(csv.rows).toHaveLength(1000);
    expect(csv.rows[999]).toEqual(['999', '1998']);
    expect(csv).toMatchObject({ totalRows: 1500, cut: true, problems: [] });
    expect(csvPreview(text, 'csv', 2000)).toMatchObject({ totalRows: 1500, cut: false });
  });

  it('reads quoted fields, guesses ; as the delimiter, and splits TSV on tabs only', () => {
    expect(csvPreview('name,note\n"a, b","say ""hi"""\n', 'csv').rows).toEqual([['a, b', 'say "hi"']]);
    expect(csvPreview('a;b\n1;2\n', 'csv')).toMatchObject({ header: ['a', 'b'], rows: [['1', '2']] });
    expect(csvPreview('a\tb,c\n1\t2,3\n', 'tsv')).toMatchObject({ header: ['a', 'b,c'], rows: [['1', '2,3']] });
  });

  it('reports an unclosed quote', () => {
    expect(csvPreview('a,b\n"1,2\n', 'csv').problems.length).toBeGreaterThan(0);
  });
});

describe('summarizeMLmodel', () => {
  const MLMODEL = [
    'artifact_path: mlflow-artifacts:/0/models/m-1/artifacts',
    'flavors:',
    '  python_function:',
    '    env: {conda: conda.yaml, virtualenv: python_env.yaml}',
    '    loader_module: mlflow.sklearn',
    '    model_path: model.skops',
    '  sklearn:',
    '    code: null',
    '    serialization_format: skops',
    '    sklearn_version: 1.9.1',
    'mlflow_version: 3.17.2',
    'model_id: m-1',
    'model_size_bytes: 27939',
    'run_id: 0123456789abcdef0123456789abcdef',
    'signature:',
    '  inputs: \'[{"type": "double", "name": "x", "required": true}, {"type": "long", "name": "n", "required": false}]\'',
    '  outputs: \'[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]\'',
    '  params: null',
    "utc_time_created: '2026-11-29 23:35:43.624331'",
    '',
  ].join('\n');

  it('lists the flavors with their scalar settings, the IDs, the size and the signature', () => {
    const s = summarizeMLmodel(MLMODEL);
    expect(s.flavors).toEqual([
      { name: 'python_function', details: [['loader_module', 'mlflow.sklearn'], ['model_path', 'model.skops']] },
      { name: 'sklearn', details: [['serialization_format', 'skops'], ['sklearn_version', '1.9.1']] },
    ]);
    expect(s).toMatchObject({ runId: '0123456789abcdef0123456789abcdef', modelId: 'm-1', mlflowVersion: '3.17.2', sizeBytes: 27939, created: '2026-11-29 23:35:43.624331' });
    expect(s.signature).toEqual({
      inputs: [{ name: 'x', type: 'double' }, { name: 'n', type: 'long (optional)' }],
      outputs: [{ name: '[0]', type: 'tensor float64 [-1]' }],
      params: [],
    });
  });

  it('has no signature or size when the file has none, and refuses what is not a YAML mapping', () => {
    const s = summarizeMLmodel('flavors:\n  pytorch: {pytorch_version: 2.5.0}\n');
    expect(s).toEqual({ flavors: [{ name: 'pytorch', details: [['pytorch_version', '2.5.0']] }], signature: null });
    expect(() => summarizeMLmodel('- a\n- b\n')).toThrow(/not a YAML mapping/);
    expect(() => summarizeMLmodel('flavors: [unclosed\n')).toThrow();
  });
});

describe('the artifact in the URL', () => {
  it('adds artifact (and model) terms to a run route without disturbing its chart terms', () => {
    const route = parseRoute('#/runs/r1?metric=rmse&metric=mae&x=time&log=1&smooth=0.5');
    const hash = hashWithSelection(formatRoute(route), { path: 'model/MLmodel' });
    expect(hash).toBe('#/runs/r1?metric=rmse&metric=mae&x=time&log=1&smooth=0.5&artifact=model/MLmodel');
    expect(parseRoute(hash)).toEqual(route);
    expect(selectionFromHash(hash)).toEqual({ path: 'model/MLmodel' });
    // route.ts drops the term; the run page adds it back, and the URL is the same again.
    expect(hashWithSelection(formatRoute(parseRoute(hash)), selectionFromHash(hash))).toBe(hash);
  });

  it('keeps a logged model\'s ID, encodes what must be, replaces and removes the terms', () => {
    const hash = hashWithSelection('#/runs/r1', { path: 'plots/a b&c.png', model: 'm-1' });
    expect(hash).toBe('#/runs/r1?artifact=plots/a%20b%26c.png&model=m-1');
    expect(selectionFromHash(hash)).toEqual({ path: 'plots/a b&c.png', model: 'm-1' });
    expect(hashWithSelection(hash, { path: 'x.csv' })).toBe('#/runs/r1?artifact=x.csv');
    expect(hashWithSelection('#/runs/r1?metric=rmse&artifact=x.csv&model=m-1', null)).toBe('#/runs/r1?metric=rmse');
    expect(selectionFromHash('#/runs/r1?artifact=')).toBeNull();
    expect(sameSelection({ path: 'a' }, { path: 'a' })).toBe(true);
    expect(sameSelection({ path: 'a' }, { path: 'a', model: 'm' })).toBe(false);
  });
});

describe('servedArtifactRoot and commitUrl', () => {
  it('maps mlflow-artifacts URIs to paths of the mlflow-artifacts service, and nothing else', () => {
    expect(servedArtifactRoot('mlflow-artifacts:/0/models/m-1/artifacts')).toBe('0/models/m-1/artifacts');
    expect(servedArtifactRoot('mlflow-artifacts://host:5000/0/models/m-1/artifacts/')).toBe('0/models/m-1/artifacts');
    expect(servedArtifactRoot('s3://bucket/0/models/m-1/artifacts')).toBeNull();
    expect(servedArtifactRoot('/abs/mlartifacts/0/models')).toBeNull();
    expect(servedArtifactRoot(undefined)).toBeNull();
  });

  it('links a commit on GitHub and GitLab, not on unknown hosts or for non-SHAs', () => {
    const sha = '4580dce969de29feea0e86140007c2262e00c70f';
    expect(commitUrl('https://github.com/o/r.git', sha)).toBe(`https://github.com/o/r/commit/${sha}`);
    expect(commitUrl('https://gitlab.com/g/sub/r', sha)).toBe(`https://gitlab.com/g/sub/r/-/commit/${sha}`);
    expect(commitUrl('https://example.invalid/repo.git', sha)).toBeNull();
    expect(commitUrl('git@github.com:o/r.git', sha)).toBeNull();
    expect(commitUrl('https://github.com/o/r', 'main')).toBeNull();
  });
});
