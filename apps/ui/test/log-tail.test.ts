// Where the end of a big log starts: the bytes to ask for, the first whole line, what the page keeps.
import { describe, expect, it } from 'vitest';
import { firstLineStart, headToDrop, LOG_TAIL_BYTES, rangeStart, tailStart } from '../src/log-tail.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('log tail', () => {
  it('reads the last LOG_TAIL_BYTES of a big file, a small one whole', () => {
    expect(tailStart(100)).toBe(0);
    expect(tailStart(3 * LOG_TAIL_BYTES)).toBe(2 * LOG_TAIL_BYTES);
    expect(tailStart(10, 4)).toBe(6);
  });

  it('starts a cut text after its first line break, else after UTF-8 continuation bytes', () => {
    expect(firstLineStart(bytes('ne 4\nline 5\n'))).toBe(5);
    // 'é' is c3 a9: a read that starts at a9 skips it.
    expect(firstLineStart(bytes('é and no line break').subarray(1))).toBe(1);
    expect(firstLineStart(bytes('plain'))).toBe(0);
  });

  it('drops the head of a text over the limit up to a line end', () => {
    expect(headToDrop('abc', 5)).toBe(0);
    expect(headToDrop('line 1\nline 2\nline 3\n', 10)).toBe(14);
    expect(headToDrop('x'.repeat(20), 10)).toBe(10);
  });

  it('reads the first byte of a 206 answer from Content-Range', () => {
    expect(rangeStart('bytes 100-199/200')).toBe(100);
    expect(rangeStart('bytes 5-9/*')).toBe(5);
    expect(rangeStart(null)).toBeNull();
    expect(rangeStart('bytes */200')).toBeNull();
  });
});
