// The preview of one artifact file: text, JSON (pretty-printed), CSV/TSV (a table of the first 1000
// rows), images (artifact-image.ts: a raster image through a blob URL, so the request carries the UI's
// credentials; an SVG drawn into a canvas, never behind a URL), MLmodel files (a summary, then the
// YAML), and a download link for every file (artifact-download.ts). Files over 5 MiB are not loaded.
import type { FileInfo } from './api.js';
import type { ArtifactSource } from './artifact-browser.js';
import { downloadLink } from './artifact-download.js';
import { imagePreview } from './artifact-image.js';
import {
  artifactKind, csvPreview, formatBytes, looksLikeText, PREVIEW_LIMIT_BYTES, SNIFF_LIMIT_BYTES, summarizeMLmodel,
  type ArtifactKind, type SchemaField,
} from './artifact-kind.js';
import { DEFAULT_CHART } from './chart-options.js';
import { errorBox, h } from './dom.js';
import { formatRoute } from './route.js';

const baseName = (path: string): string => path.split('/').pop() ?? path;
const note = (text: string): HTMLElement => h('p', { class: 'muted preview-note' }, text);

function textBlock(text: string, path: string): HTMLElement {
  if (!/\.(diff|patch)$/i.test(path)) return h('pre', { class: 'artifact-text' }, text);
  // A diff reads better with its added and removed lines coloured.
  return h('pre', { class: 'artifact-text diff-lines' }, ...text.replace(/\n$/, '').split('\n').map((line) => {
    const cls = line.startsWith('+') && !line.startsWith('+++') ? 'added' : line.startsWith('-') && !line.startsWith('---') ? 'removed' : 'same';
    return h('div', { class: cls }, line);
  }));
}

function jsonBlock(text: string, path: string): HTMLElement {
  try {
    return h('pre', { class: 'artifact-text json' }, JSON.stringify(JSON.parse(text), null, 2));
  } catch (error) {
    return h('div', {}, note(`Not valid JSON (${error instanceof Error ? error.message : String(error)}); shown as it is.`), textBlock(text, path));
  }
}

function csvBlock(text: string, kind: 'csv' | 'tsv'): HTMLElement {
  const csv = csvPreview(text, kind);
  const width = Math.max(csv.header.length, ...csv.rows.map((r) => r.length));
  const cells = (row: string[], tag: 'th' | 'td'): HTMLElement[] => Array.from({ length: width }, (_, i) => h(tag, {}, row[i] ?? ''));
  const rows = csv.totalRows === 1 ? 'row' : 'rows';
  return h('div', {},
    note(csv.cut ? `The first ${csv.rows.length} of ${csv.totalRows} rows.` : `${csv.totalRows} ${rows}.`),
    ...csv.problems.map((p) => note(`Parse problem: ${p}`)),
    h('div', { class: 'csv-scroll' }, h('table', { class: 'csv' },
      h('thead', {}, h('tr', {}, ...cells(csv.header, 'th'))),
      h('tbody', {}, ...csv.rows.map((row) => h('tr', {}, ...cells(row, 'td')))))));
}

function fields(title: string, list: SchemaField[]): HTMLElement | null {
  if (list.length === 0) return null;
  return h('div', { class: `signature-${title}` }, h('h4', {}, title),
    h('table', { class: 'kv' }, h('tbody', {}, ...list.map((f) => h('tr', {}, h('th', {}, f.name), h('td', {}, f.type))))));
}

function mlmodelBlock(text: string): HTMLElement {
  const raw = h('details', { open: '' }, h('summary', {}, 'MLmodel (YAML)'), h('pre', { class: 'artifact-text' }, text));
  let summary;
  try {
    summary = summarizeMLmodel(text);
  } catch (error) {
    return h('div', {}, errorBox(new Error(`Cannot read this MLmodel: ${error instanceof Error ? error.message : String(error)}`)), raw);
  }
  const facts: [string, Node | string][] = [];
  if (summary.modelId) facts.push(['Model ID', summary.modelId]);
  if (summary.runId) facts.push(['Run', h('a', { href: formatRoute({ page: 'run', runId: summary.runId, chart: DEFAULT_CHART }) }, summary.runId)]);
  if (summary.sizeBytes !== undefined) facts.push(['Model size', `${formatBytes(summary.sizeBytes)} (${summary.sizeBytes} bytes)`]);
  if (summary.mlflowVersion) facts.push(['MLflow version', summary.mlflowVersion]);
  if (summary.created) facts.push(['Created (UTC)', summary.created]);
  if (summary.artifactPath) facts.push(['Artifact path', summary.artifactPath]);
  const sig = summary.signature;
  return h('div', { class: 'mlmodel' },
    h('table', { class: 'kv' }, h('tbody', {}, ...facts.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))))),
    h('h4', {}, 'Flavors'),
    summary.flavors.length === 0 ? note('No flavors.') : h('ul', { class: 'flavors' }, ...summary.flavors.map((f) => h('li', { 'data-flavor': f.name },
      h('strong', {}, f.name), f.details.length > 0 ? h('span', { class: 'muted' }, ` ${f.details.map(([k, v]) => `${k}: ${v}`).join(', ')}`) : null))),
    h('h4', {}, 'Signature'),
    sig === null ? note('No signature.') : h('div', { class: 'signature' }, fields('inputs', sig.inputs), fields('outputs', sig.outputs), fields('params', sig.params)),
    raw);
}

/** Renders what `blob` holds as `kind`; image URLs are made with `url` (the caller revokes them). */
async function body(kind: ArtifactKind, blob: Blob, path: string, url: (blob: Blob) => string): Promise<HTMLElement> {
  switch (kind) {
    case 'image': return imagePreview(blob, path, url);
    case 'json': return jsonBlock(await blob.text(), path);
    case 'csv': case 'tsv': return csvBlock(await blob.text(), kind);
    case 'mlmodel': return mlmodelBlock(await blob.text());
    case 'text': return textBlock(await blob.text(), path);
    case 'unknown': {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return looksLikeText(bytes) ? textBlock(new TextDecoder().decode(bytes), path) : note('A binary file: no preview. Download it to open it.');
    }
  }
}

/**
 * Shows `file` of `source` in `pane`: a header (path, size, a Download link) and the preview its
 * kind gets (see `artifactKind`). The download link serves the bytes through a blob URL, so it
 * works where the API needs credentials (artifact-download.ts). Returns a function that revokes the
 * blob URLs and ignores any answer still on its way (call it before showing another file in the pane).
 */
export function renderPreview(pane: HTMLElement, source: ArtifactSource, file: FileInfo): () => void {
  let live = true;
  const urls: string[] = [];
  const objectUrl = (blob: Blob): string => {
    const url = URL.createObjectURL(blob);
    urls.push(url);
    return url;
  };
  const kind = artifactKind(file.path);
  const size = file.file_size;
  const content = h('div', { class: 'preview-body' }, note('Loading…'));
  const download = downloadLink(baseName(file.path), () => source.blob(file.path), (box) => content.prepend(box));
  // data-state: loading, then shown (a preview or a note saying why there is none) or failed.
  const preview = h('div', { class: 'artifact-preview', 'data-kind': kind, 'data-path': file.path, 'data-state': 'loading' },
    h('div', { class: 'preview-head' }, h('code', {}, file.path), h('span', { class: 'muted' }, formatBytes(size)), download.element),
    content);
  const done = (state: 'shown' | 'failed', ...nodes: Node[]): void => {
    content.replaceChildren(...nodes);
    preview.setAttribute('data-state', state);
  };
  pane.replaceChildren(preview);

  if (size !== undefined && size > PREVIEW_LIMIT_BYTES) {
    done('shown', note(`Not previewed: ${formatBytes(size)} is over the ${formatBytes(PREVIEW_LIMIT_BYTES)} preview limit. Download it instead.`));
  } else if (kind === 'unknown' && size !== undefined && size > SNIFF_LIMIT_BYTES) {
    done('shown', note(`No preview for this kind of file over ${formatBytes(SNIFF_LIMIT_BYTES)}. Download it to open it.`));
  } else {
    void (async () => {
      const blob = await source.blob(file.path);
      if (!live) return;
      if (blob === null) throw new Error(`${file.path} does not exist (any more).`);
      download.use(blob);
      if (blob.size > PREVIEW_LIMIT_BYTES) return void done('shown', note(`Not previewed: ${formatBytes(blob.size)} is over the preview limit.`));
      const shown = await body(kind, blob, file.path, objectUrl);
      if (live) done('shown', shown);
    })().catch((error: unknown) => { if (live) done('failed', errorBox(error)); });
  }
  return () => {
    live = false;
    download.free();
    for (const url of urls.splice(0)) URL.revokeObjectURL(url);
  };
}
