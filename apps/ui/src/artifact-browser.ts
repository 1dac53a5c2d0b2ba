// An artifact tree with a preview pane beside it. Directories load when opened; a click on a file
// previews it (artifact-preview.ts) and tells the caller, which keeps the choice in the URL. The
// same browser serves a run's artifacts and each logged model's, through an ArtifactSource.
import { artifactBlob, listArtifacts, type FileInfo } from './api.js';
import { formatBytes } from './artifact-kind.js';
import { renderPreview } from './artifact-preview.js';
import { errorBox, h } from './dom.js';

/** Where a browser's files come from. Paths are relative to the source's artifact root. */
export interface ArtifactSource {
  /** One directory level ('' = the root), paths from the root. @throws ApiError when refused. */
  list(path: string): Promise<FileInfo[]>;
  /** A file's bytes, or null when there is none at `path`. @throws ApiError when refused. */
  blob(path: string): Promise<Blob | null>;
}

/** A run's own artifacts (`artifacts/list`, `/get-artifact`). */
export function runArtifactSource(runId: string): ArtifactSource {
  return { list: (path) => listArtifacts(runId, path), blob: (path) => artifactBlob(runId, path) };
}

export interface ArtifactBrowser {
  element: HTMLElement;
  /**
   * Opens the directories down to `path`, marks it and previews it; a path the source does not
   * have shows one line in an error box. Resolves once the preview has started.
   */
  select(path: string): Promise<void>;
  /** Revokes the preview's blob URLs. */
  free(): void;
}

export interface BrowserOptions {
  /** Shown when the root is empty, e.g. 'No artifacts.' */
  emptyText: string;
  /** The href of a file's link (the URL that selects it), so it can be opened in a new tab. */
  hrefFor(path: string): string;
  /** Called when the user clicks a file (not for `select()` calls). */
  onSelect(path: string): void;
}

const baseName = (path: string): string => path.split('/').pop() ?? path;

/** A tree of `source`'s files and a preview pane; see {@link ArtifactBrowser}. */
export function artifactBrowser(source: ArtifactSource, options: BrowserOptions): ArtifactBrowser {
  const tree = h('div', { class: 'artifact-tree' }, h('p', { class: 'muted' }, 'Loading…'));
  const pane = h('div', { class: 'artifact-pane' }, h('p', { class: 'muted' }, 'Choose a file to preview it.'));
  const items = new Map<string, HTMLLIElement>();
  const files = new Map<string, FileInfo>();
  const opened = new Map<string, Promise<void>>();
  let freePreview = (): void => {};
  let latest = 0;

  async function listing(dir: string): Promise<HTMLElement> {
    const entries = await source.list(dir);
    if (entries.length === 0) return h('p', { class: 'muted' }, dir === '' ? options.emptyText : 'Empty.');
    return h('ul', { class: 'artifacts' }, ...entries.map(entry));
  }

  function entry(f: FileInfo): HTMLLIElement {
    const li = h('li', {});
    items.set(f.path, li);
    if (f.is_dir) {
      li.append(h('a', { href: '#', class: 'artifact-dir', 'data-path': f.path, 'aria-expanded': 'false', onclick: (event: Event) => {
        event.preventDefault();
        if (opened.has(f.path)) close(f.path);
        else void open(f.path);
      } }, `${baseName(f.path)}/`));
      return li;
    }
    files.set(f.path, f);
    li.append(h('a', { href: options.hrefFor(f.path), class: 'artifact-file', 'data-path': f.path, onclick: (event: Event) => {
      event.preventDefault();
      options.onSelect(f.path);
      void select(f.path);
    } }, baseName(f.path)), h('span', { class: 'muted size' }, ` ${formatBytes(f.file_size)}`));
    return li;
  }

  function open(dir: string): Promise<void> {
    const already = opened.get(dir);
    if (already) return already;
    const li = items.get(dir);
    if (!li) return Promise.resolve();
    li.querySelector(':scope > a')?.setAttribute('aria-expanded', 'true');
    const loading = listing(dir).then((list) => void li.append(list), (error: unknown) => void li.append(errorBox(error)));
    opened.set(dir, loading);
    return loading;
  }

  function close(dir: string): void {
    const li = items.get(dir);
    opened.delete(dir);
    li?.querySelector(':scope > a')?.setAttribute('aria-expanded', 'false');
    while (li && li.children.length > 1) li.lastElementChild?.remove();
  }

  const root = listing('').then((list) => tree.replaceChildren(list), (error: unknown) => tree.replaceChildren(errorBox(error)));

  async function select(path: string): Promise<void> {
    const ticket = ++latest;
    await root;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i += 1) await open(parts.slice(0, i).join('/'));
    if (ticket !== latest) return; // a later choice won
    for (const marked of tree.querySelectorAll('.artifact-file.selected')) marked.classList.remove('selected');
    items.get(path)?.querySelector('.artifact-file')?.classList.add('selected');
    freePreview();
    freePreview = () => {};
    const info = files.get(path);
    if (!info) return void pane.replaceChildren(errorBox(new Error(`No artifact file '${path}' here.`)));
    freePreview = renderPreview(pane, source, info);
  }

  return {
    element: h('div', { class: 'artifact-browser' }, tree, pane),
    select,
    free: () => freePreview(),
  };
}
