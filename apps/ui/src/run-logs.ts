// The output `mlproject run` keeps with a run (`logs/stdout.txt`, `logs/stderr.txt`), shown in a
// box that can be refreshed while the run is live: only the bytes added since the last read are
// decoded and appended, and a box scrolled to its end stays at its end.
import { artifactBlob } from './api.js';
import { h } from './dom.js';

export const LOG_STREAMS = ['stdout', 'stderr'] as const;
type Stream = (typeof LOG_STREAMS)[number];

export interface RunLogs {
  element: HTMLElement;
  /**
   * Reads both log files again and appends what they gained (a file that shrank is shown anew).
   * @throws ApiError when the server refuses the download.
   */
  refresh(): Promise<void>;
}

interface Shown { pre: HTMLPreElement; bytes: number; decoder: TextDecoder }

const atEnd = (el: HTMLElement): boolean => el.scrollTop + el.clientHeight >= el.scrollHeight - 4;

/** The logs box of run `runId`; call `refresh()` once to fill it, and again to follow it. */
export function runLogs(runId: string): RunLogs {
  const none = h('p', { class: 'muted' }, 'No logs/stdout.txt or logs/stderr.txt for this run (yet).');
  const element = h('div', { class: 'run-logs' }, none);
  const shown = new Map<Stream, Shown>();

  function box(stream: Stream): Shown {
    let s = shown.get(stream);
    if (s) return s;
    const pre = h('pre', { class: 'log', 'data-log': stream });
    s = { pre, bytes: 0, decoder: new TextDecoder() };
    shown.set(stream, s);
    none.remove();
    const block = h('details', { open: '' }, h('summary', {}, stream), pre);
    // stdout first, whichever appears first.
    if (stream === 'stdout') element.prepend(block);
    else element.append(block);
    return s;
  }

  async function read(stream: Stream): Promise<void> {
    const blob = await artifactBlob(runId, `logs/${stream}.txt`);
    if (blob === null) return;
    const s = box(stream);
    if (blob.size === s.bytes) return;
    const follow = atEnd(s.pre);
    if (blob.size < s.bytes) {
      s.pre.textContent = '';
      s.bytes = 0;
      s.decoder = new TextDecoder();
    }
    // `stream: true` keeps a UTF-8 sequence cut at the end of this read for the next one.
    s.pre.append(s.decoder.decode(new Uint8Array(await blob.slice(s.bytes).arrayBuffer()), { stream: true }));
    s.bytes = blob.size;
    if (follow) s.pre.scrollTop = s.pre.scrollHeight;
  }

  let reading: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    // One read at a time: a second call while one is on its way shares it.
    reading ??= Promise.all(LOG_STREAMS.map(read)).then(() => undefined).finally(() => { reading = null; });
    return reading;
  };
  return { element, refresh };
}
