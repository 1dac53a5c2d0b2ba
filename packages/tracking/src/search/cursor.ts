import { invalidParameter } from '../validation.js';
import type { TrackingError } from '../errors.js';

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
// An unquoted key after `entity.`: letters, digits, `_ . - / :` (stops at spaces, comparators, quotes).
const BARE_KEY = /[\p{L}\p{N}\p{M}_.\-/:]+/uy;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;

/** A character cursor over one filter or order-by string. Pure; errors are INVALID_PARAMETER_VALUE. */
export class Cursor {
  pos = 0;
  constructor(readonly text: string, private readonly what: string) {}

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  skipSpace(): boolean {
    const start = this.pos;
    while (/\s/.test(this.peek()) && !this.eof()) this.pos += 1;
    return this.pos > start;
  }

  error(message: string): TrackingError {
    return invalidParameter(`Invalid ${this.what} '${this.text}': ${message} (at position ${this.pos}).`);
  }

  private sticky(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** A bare word such as an entity name or a keyword. */
  word(): string | undefined {
    return this.sticky(WORD);
  }

  bareKey(): string | undefined {
    return this.sticky(BARE_KEY);
  }

  number(): number | undefined {
    const start = this.pos;
    const text = this.sticky(NUMBER);
    if (text === undefined) return undefined;
    if (/[\p{L}_]/u.test(this.peek())) {
      this.pos = start;
      return undefined;
    }
    return Number(text);
  }

  /**
   * A string in `quote` characters, without unescaping: MLflow strips the quotes only, so `'it''s'`
   * is `it''s`. Where it ends follows sqlparse's tokens (`mlflow/utils/search_utils.py` parses with
   * sqlparse): a doubled quote, or a backslash before a `'` or `"`, does not end the string.
   */
  quoted(quotes: string): string | undefined {
    const quote = this.peek();
    if (!quotes.includes(quote) || quote === '') return undefined;
    let end = this.pos + 1;
    for (;;) {
      end = this.text.indexOf(quote, end);
      if (end < 0) throw this.error(`unterminated ${quote} quote`);
      if (this.text.charAt(end + 1) === quote) end += 2;
      else if (quote !== '`' && this.text.charAt(end - 1) === '\\' && end - 1 > this.pos) end += 1;
      else break;
    }
    const value = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return value;
  }

  /** Consumes `keyword` (case-insensitive) when it is the next whole word. */
  keyword(keyword: string): boolean {
    const start = this.pos;
    const w = this.word();
    if (w !== undefined && w.toUpperCase() === keyword) return true;
    this.pos = start;
    return false;
  }

  /** Consumes the next of `symbols` (longest first) when present. */
  symbol(symbols: readonly string[]): string | undefined {
    for (const s of symbols) {
      if (this.text.startsWith(s, this.pos)) {
        this.pos += s.length;
        return s;
      }
    }
    return undefined;
  }
}
