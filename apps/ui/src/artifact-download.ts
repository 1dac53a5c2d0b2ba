// The Download link of an artifact file. An element's URL cannot carry the UI's credentials, so the
// file is fetched with them (on the first click, or by whoever already has its bytes) and the link
// then points at a blob URL. That blob is always typed application/octet-stream: opened in a tab
// instead of downloaded, it is saved, never rendered (an SVG or HTML file would otherwise run its
// scripts with the UI's origin, where the credential is readable).
import { errorBox, h } from './dom.js';

export interface DownloadLink {
  element: HTMLAnchorElement;
  /** Points the link at `blob` (bytes already fetched for a preview), so a click fetches nothing. */
  use(blob: Blob): void;
  /** Revokes the link's blob URL; the link no longer works. */
  free(): void;
}

/**
 * A link that saves the file `fetchBlob` gives (null: gone) as `name`. A failure to fetch is shown
 * by `failed` (e.g. prepended to the preview), as an error box.
 */
export function downloadLink(name: string, fetchBlob: () => Promise<Blob | null>, failed: (box: HTMLElement) => void, label = 'Download'): DownloadLink {
  const link = h('a', { class: 'download', href: '#', download: name }, label);
  let url: string | null = null;
  let live = true;
  const use = (blob: Blob): void => {
    if (url !== null) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
    link.setAttribute('href', url);
  };
  link.addEventListener('click', (event) => {
    if (url !== null) return; // the browser saves the blob URL's bytes under the `download` name
    event.preventDefault();
    void fetchBlob().then((blob) => {
      if (!live) return;
      if (blob === null) throw new Error(`${name} is no longer there.`);
      use(blob);
      link.click();
    }).catch((error: unknown) => failed(errorBox(error)));
  });
  return {
    element: link,
    use,
    free: () => {
      live = false;
      if (url !== null) URL.revokeObjectURL(url);
    },
  };
}
