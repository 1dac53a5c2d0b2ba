// The pure parts of showing the end of a log: where the bytes to read start, where a cut text
// starts its first whole line, and how much of a growing text stays in the page. Unit-tested in
// Node (test/log-tail.test.ts); run-logs.ts does the reading.

/** A log box shows at most about this much of the end of a log (bytes when read, characters when kept: 1 MiB). */
export const LOG_TAIL_BYTES = 1024 * 1024;

/** The first byte of the last `limit` bytes of a file of `size` bytes (0 when it is smaller). */
export function tailStart(size: number, limit = LOG_TAIL_BYTES): number {
  return Math.max(0, size - limit);
}

/**
 * Where the text of `bytes` (read from the middle of a file) starts: after the first line break
 * in the first 64 KiB, so the box starts with a whole line; else after any UTF-8 continuation
 * bytes, so decoding does not start inside a character.
 */
export function firstLineStart(bytes: Uint8Array): number {
  const newline = bytes.subarray(0, 64 * 1024).indexOf(0x0a);
  if (newline >= 0) return newline + 1;
  let i = 0;
  while (i < bytes.length && i < 4 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i += 1;
  return i;
}

/**
 * How many characters to drop from the start of `text` so that at most `limit` remain, up to the
 * end of a line when a line ends within 64 KiB after that point; 0 when `text` is within `limit`.
 */
export function headToDrop(text: string, limit = LOG_TAIL_BYTES): number {
  if (text.length <= limit) return 0;
  const cut = text.length - limit;
  const newline = text.indexOf('\n', cut);
  return newline >= 0 && newline - cut < 64 * 1024 ? newline + 1 : cut;
}

/** The first byte a `206 Partial Content` answer holds, from its `Content-Range: bytes a-b/total`; null when unreadable. */
export function rangeStart(contentRange: string | null): number | null {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(contentRange?.trim() ?? '');
  return match ? Number(match[1]) : null;
}
