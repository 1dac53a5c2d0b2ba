// The preview of an image artifact. A raster image (png, jpg, gif, webp) is an <img> on a blob URL
// of its bytes (so the request carried the UI's credentials). An SVG is a document that can hold
// scripts: a blob URL of it is same-origin, so opened in a tab of its own ("Open image in new tab")
// its scripts would run with the UI's origin and could read the stored credential. So an SVG is
// never left behind a URL: it is decoded by an Image (which runs no script), its blob URL revoked as
// soon as it has loaded, and drawn into a canvas, which is what the page shows.
import { imageType } from './artifact-kind.js';
import { errorBox, h } from './dom.js';

/** The largest side an SVG is drawn at (CSS px); a bigger one is scaled down to it. */
export const SVG_MAX_SIDE = 2048;
/** The size an SVG without one of its own (no width/height) is drawn at (CSS px), as browsers do. */
const SVG_DEFAULT: [number, number] = [300, 150];

const baseName = (path: string): string => path.split('/').pop() ?? path;
const cannot = (path: string): HTMLElement => errorBox(new Error(`${baseName(path)} cannot be shown as an image.`));

/** The CSS size an image of `width` x `height` is drawn at: within SVG_MAX_SIDE, ratio kept; 0 means unknown. */
export function svgDrawSize(width: number, height: number): [number, number] {
  const [w, h] = width > 0 && height > 0 ? [width, height] : SVG_DEFAULT;
  const scale = Math.min(1, SVG_MAX_SIDE / Math.max(w, h));
  return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
}

/** An SVG's pixels in a canvas; no URL of the SVG outlives this call. @throws Error when it cannot be decoded. */
async function svgCanvas(blob: Blob, path: string): Promise<HTMLCanvasElement> {
  const url = URL.createObjectURL(new Blob([blob], { type: 'image/svg+xml' }));
  const image = new Image();
  try {
    image.src = url;
    await image.decode();
  } finally {
    URL.revokeObjectURL(url);
  }
  const [width, height] = svgDrawSize(image.naturalWidth, image.naturalHeight);
  const ratio = Math.min(4, window.devicePixelRatio || 1);
  const canvas = h('canvas', { class: 'artifact-image', role: 'img', 'aria-label': baseName(path), 'data-image': 'svg' });
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.getContext('2d')?.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas;
}

/**
 * The preview of image `blob` at `path`: an <img> on a URL made by `objectUrl` (the caller revokes
 * it) for a raster image, a canvas for an SVG (see the file's head); an error box when the bytes are
 * not an image of that kind.
 */
export async function imagePreview(blob: Blob, path: string, objectUrl: (blob: Blob) => string): Promise<HTMLElement> {
  const type = imageType(path);
  if (type === 'image/svg+xml') return svgCanvas(blob, path).catch(() => cannot(path));
  const img = h('img', { class: 'artifact-image', alt: baseName(path), src: objectUrl(new Blob([blob], { type })) });
  img.addEventListener('error', () => img.replaceWith(cannot(path)));
  return img;
}
