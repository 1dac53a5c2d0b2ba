// The output `mlproject run` keeps with a run (`logs/stdout.txt`, `logs/stderr.txt`), shown in a
// box that is refreshed while the run is live. Each refresh lists `logs/` (one small request that
// gives both sizes) and reads only a log that grew, and of it only the bytes it gained, with
// `Range: bytes=<held>-`. A log over 1 MiB shows its last MiB, with a note and a link to download it
// whole; the box keeps about that much as it grows. A server that answers the Range request with the
// whole file (200) still gets it asked for, but the page keeps only the new bytes as they stream
// past, and reads a log over 1 MiB again only every BIG_LOG_REFRESH_MS.
import { ApiError, apiFetch, artifactBlob, artifactUrl, listArtifacts } from './api.js';
import { formatBytes } from './artifact-kind.js';
import { downloadLink, type DownloadLink } from './artifact-download.js';
import { h } from './dom.js';
import { firstLineStart, headToDrop, LOG_TAIL_BYTES, rangeStart, tailStart } from './log-tail.js';

export const LOG_STREAMS = ['stdout', 'stderr'] as const;
type Stream = (typeof LOG_STREAMS)[number];

/** How often a log over LOG_TAIL_BYTES is read again from a server that ignores Range (ms). */
export const BIG_LOG_REFRESH_MS = 20_000;

export interface RunLogs {
  element: HTMLElement;
  /**
   * Reads what both logs gained and appends it (a file that shrank is shown anew).
   * @throws ApiError when the server refuses the listing or a download.
   */
  refresh(): Promise<void>;
  /** Revokes the download links' blob URLs. */
  free(): void;
}

interface Shown {
  pre: HTMLPreElement;
  note: HTMLElement;
  download: DownloadLink;
  /** Bytes of the file read so far (the next read starts here). */
  end: number;
  /** The file's size as last listed (bytes). */
  size: number;
  /** Characters in the box. */
  chars: number;
  /** True once the box no longer holds the log from its first byte. */
  cut: boolean;
  decoder: TextDecoder;
  /** When the file was last read (ms since the epoch). */
  readAt: number;
  /** True once a read was put off because the server sends whole files (the note says so). */
  waiting: boolean;
}

const atEnd = (el: HTMLElement): boolean => el.scrollTop + el.clientHeight >= el.scrollHeight - 4;

/** The bytes of `response` from byte `start` on; those before it are dropped as they stream past. */
async function bytesFrom(response: Response, start: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(await response.arrayBuffer()).slice(start);
  const kept: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > start) kept.push(value.subarray(Math.max(0, start - at)));
    at += value.length;
  }
  const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of kept) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function refused(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    return new ApiError(response.status, body.error_code ?? 'INTERNAL_ERROR', body.message ?? response.statusText);
  } catch {
    return new ApiError(response.status, 'BAD_RESPONSE', `${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
  }
}

/** The logs box of run `runId`; call `refresh()` once to fill it, and again to follow it. */
export function runLogs(runId: string): RunLogs {
  const none = h('p', { class: 'muted' }, 'No logs/stdout.txt or logs/stderr.txt for this run (yet).');
  const element = h('div', { class: 'run-logs' }, none);
  const shown = new Map<Stream, Shown>();
  /** Whether the server answers `Range` with 206 (undefined: not asked yet). */
  let ranges: boolean | undefined;

  function box(stream: Stream): Shown {
    let s = shown.get(stream);
    if (s) return s;
    const path = `logs/${stream}.txt`;
    const pre = h('pre', { class: 'log', 'data-log': stream });
    const note = h('p', { class: 'muted log-note', hidden: '' });
    const download = downloadLink(`${stream}.txt`, () => artifactBlob(runId, path), (error) => note.after(error), 'download the whole log');
    s = { pre, note, download, end: 0, size: 0, chars: 0, cut: false, decoder: new TextDecoder(), readAt: 0, waiting: false };
    shown.set(stream, s);
    none.remove();
    const block = h('details', { open: '' }, h('summary', {}, stream), note, pre);
    // stdout first, whichever appears first.
    if (stream === 'stdout') element.prepend(block);
    else element.append(block);
    return s;
  }

  function showNote(s: Shown, stream: Stream): void {
    if (!s.cut) return;
    const slow = s.waiting ? ` This server sends whole files, so while the run is live the log is read again every ${BIG_LOG_REFRESH_MS / 1000} s.` : '';
    s.note.replaceChildren(`Only the end of logs/${stream}.txt is shown (about the last ${formatBytes(LOG_TAIL_BYTES)} of ${formatBytes(s.size)}): `, s.download.element, `.${slow}`);
    s.note.hidden = false;
  }

  function append(s: Shown, text: string): void {
    const follow = atEnd(s.pre);
    s.pre.append(text);
    s.chars += text.length;
    // Only about LOG_TAIL_BYTES stay in the page; the head is dropped in steps of half of that.
    if (s.chars > LOG_TAIL_BYTES * 1.5) {
      const all = s.pre.textContent ?? '';
      const kept = all.slice(headToDrop(all));
      s.pre.textContent = kept;
      s.chars = kept.length;
      s.cut = true;
    }
    if (follow) s.pre.scrollTop = s.pre.scrollHeight;
  }

  async function read(stream: Stream, size: number | undefined): Promise<void> {
    const s = box(stream);
    if (size !== undefined) {
      if (size === s.end) return;
      if (size < s.end) {
        s.pre.textContent = '';
        s.note.hidden = true;
        Object.assign(s, { end: 0, chars: 0, cut: false, decoder: new TextDecoder() });
      }
      s.size = size;
      if (s.end > 0 && ranges === false && size > LOG_TAIL_BYTES && Date.now() - s.readAt < BIG_LOG_REFRESH_MS) {
        s.waiting = true;
        return void showNote(s, stream);
      }
    }
    const start = s.end > 0 ? s.end : tailStart(size ?? 0);
    const response = await apiFetch(artifactUrl(runId, `logs/${stream}.txt`), start > 0 ? { headers: { Range: `bytes=${start}-` } } : {});
    if (response.status === 404 || response.status === 416) return; // gone or shrunk since the listing: the next refresh sees it
    if (!response.ok) throw await refused(response);
    let from = start;
    let bytes: Uint8Array;
    if (response.status === 206) {
      ranges = true;
      from = rangeStart(response.headers.get('Content-Range')) ?? start;
      bytes = new Uint8Array(await response.arrayBuffer());
    } else {
      if (start > 0) ranges = false;
      bytes = await bytesFrom(response, start);
    }
    if (from > s.end && s.end > 0) return; // a gap: should not happen; the next read starts over from s.end
    let skip = Math.max(0, s.end - from);
    if (s.end === 0 && from > 0) {
      // The first read of a big log starts in its middle: at its first whole line.
      skip = firstLineStart(bytes);
      s.cut = true;
    }
    s.end = from + bytes.length;
    s.size = Math.max(s.size, s.end);
    s.readAt = Date.now();
    // `stream: true` keeps a UTF-8 sequence cut at the end of this read for the next one.
    append(s, s.decoder.decode(bytes.subarray(skip), { stream: true }));
    showNote(s, stream);
  }

  let reading: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    // One read at a time: a second call while one is on its way shares it.
    reading ??= (async () => {
      const files = await listArtifacts(runId, 'logs');
      const sizes = new Map(files.filter((f) => !f.is_dir).map((f) => [f.path, f.file_size]));
      await Promise.all(LOG_STREAMS.map((stream) => {
        const path = `logs/${stream}.txt`;
        return sizes.has(path) ? read(stream, sizes.get(path)) : undefined;
      }));
    })().finally(() => { reading = null; });
    return reading;
  };
  return { element, refresh, free: () => { for (const s of shown.values()) s.download.free(); } };
}
