import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import lockfile from 'proper-lockfile';
import { TrackingError } from '@mlproject/tracking';
import { checkData, type StoreData } from './format.js';

/**
 * How writers wait for each other. A lock is a directory `<file>.lock` (proper-lockfile, `mkdir`
 * is atomic); its holder refreshes its mtime every 2 s, and a lock not refreshed for 10 s is taken
 * over (its holder died). A writer retries for about 30 s in all before giving up.
 */
const LOCK_OPTIONS = {
  realpath: false,
  stale: 10_000,
  update: 2_000,
  retries: { retries: 300, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
} as const;

/**
 * Takes the lock, waiting while another process holds it. proper-lockfile retries on every error,
 * so a first attempt without retries makes other errors (no such directory, no permission) fail at once.
 */
async function acquire(path: string, onCompromised: (error: Error) => void): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(path, { ...LOCK_OPTIONS, retries: 0, onCompromised });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
  }
  return lockfile.lock(path, { ...LOCK_OPTIONS, onCompromised });
}

async function statOf(path: string): Promise<BigIntStats | undefined> {
  try {
    return await stat(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unusable(path, error);
  }
}

/** What identifies one version of the file without reading it (a write renames a new file in place). */
async function signature(path: string): Promise<string | undefined> {
  const s = await statOf(path);
  return s === undefined ? undefined : `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

function unusable(path: string, cause: unknown): TrackingError {
  return new TrackingError('INTERNAL_ERROR', `Cannot use JSON tracking store '${path}': ${(cause as Error).message}`, { cause });
}

/**
 * The file as JSON: lowdb's `JSONFile` (2-space indent), except that a UTF-8 byte order mark at
 * the start (some Windows editors add one) is skipped when reading; writes have none.
 */
function jsonFile(path: string): DataFile<StoreData> {
  return new DataFile<StoreData>(path, {
    parse: (text) => JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as StoreData,
    stringify: (data) => JSON.stringify(data, null, 2),
  });
}

/** A JSON.parse message on one line (V8 quotes the start of the text, newlines included), at most ~200 chars. */
function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/**
 * The store file: a lowdb `Low` over a `JSONFile` (whose steno writer writes `.<name>.tmp` beside
 * it, then renames it over the file, so readers never see half a file), plus a cross-process lock
 * and a cache. Every operation of one process runs in turn; reads use the data in memory unless
 * the file changed (device, inode, size, mtime, ctime) since it was last read or written.
 */
export class StoreFile {
  private readonly low: Low<StoreData>;
  /** Signature of the file version held in `low.data`; undefined means "read it again". */
  private seen: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** `init` gives the data of a new store; nothing is read or written until {@link open}. */
  constructor(readonly path: string, private readonly init: () => StoreData) {
    this.low = new Low<StoreData>(jsonFile(path), init());
  }

  /**
   * Reads the file, or creates it (under the lock, so that processes creating it at once agree)
   * when it is missing or empty (0 bytes).
   * @throws TrackingError INVALID_PARAMETER_VALUE for a file that is not JSON or not a store of a
   *   version this code reads (the file is left untouched); INTERNAL_ERROR when it cannot be read,
   *   created or locked.
   */
  async open(): Promise<void> {
    const hasData = async (): Promise<boolean> => ((await statOf(this.path))?.size ?? 0n) > 0n;
    await this.serial(async () => {
      if (await hasData()) return this.fresh();
      return this.locked(async () => {
        if (await hasData()) return this.fresh();
        this.low.data = this.init();
        return this.save();
      });
    });
  }

  /** Runs `fn` on the current data (re-read first if another process changed the file). */
  read<T>(fn: (data: StoreData) => T): Promise<T> {
    return this.serial(async () => {
      await this.fresh();
      return fn(this.low.data);
    });
  }

  /**
   * Read-modify-write under the lock: re-reads the file if it changed, runs `fn` on the data, then
   * writes the whole file. When `fn` throws nothing is written and the copy in memory is dropped.
   * @throws whatever `fn` throws; TrackingError INTERNAL_ERROR when the lock cannot be had or the
   *   file cannot be written.
   */
  write<T>(fn: (data: StoreData) => T): Promise<T> {
    return this.serial(() => this.locked(async () => {
      await this.fresh();
      let result: T;
      try {
        result = fn(this.low.data);
      } catch (error) {
        this.seen = undefined;
        throw error;
      }
      await this.save();
      return result;
    }));
  }

  /** Resolves when every operation started so far has ended. */
  async settled(): Promise<void> {
    await this.queue;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async save(): Promise<void> {
    try {
      await this.low.write();
      this.seen = await signature(this.path);
    } catch (error) {
      this.seen = undefined;
      throw error instanceof TrackingError ? error : unusable(this.path, error);
    }
  }

  /** Re-reads the file when its signature is not the one of the data in memory. */
  private async fresh(): Promise<void> {
    const now = await signature(this.path);
    if (now === undefined) {
      throw new TrackingError('INTERNAL_ERROR', `The JSON tracking store '${this.path}' was removed while in use.`);
    }
    if (now === this.seen) return;
    let parsed: unknown;
    try {
      parsed = await this.low.adapter.read();
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw unusable(this.path, error);
      throw new TrackingError('INVALID_PARAMETER_VALUE',
        `Cannot use '${this.path}' as an mlproject JSON tracking store: it is not valid JSON (${oneLine(error.message)}). Point the tracking URI at a new file or an existing mlproject JSON store.`,
        { cause: error });
    }
    this.low.data = checkData(parsed, this.path);
    this.seen = now;
  }

  /** Runs `fn` holding `<path>.lock`. */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    let compromised: Error | undefined;
    let release: () => Promise<void>;
    try {
      release = await acquire(this.path, (error) => { compromised = error; });
    } catch (error) {
      const held = (error as NodeJS.ErrnoException).code === 'ELOCKED';
      throw new TrackingError('INTERNAL_ERROR', held
        ? `Timed out after about 30 s waiting for the lock '${this.path}.lock' of the JSON tracking store. If no process is using the store, remove that directory.`
        : `Cannot lock the JSON tracking store '${this.path}': ${(error as Error).message}`, { cause: error });
    }
    let result: T;
    try {
      result = await fn();
    } finally {
      await release().catch(() => undefined);
    }
    if (compromised !== undefined) {
      this.seen = undefined;
      throw new TrackingError('INTERNAL_ERROR', `Lost the lock of the JSON tracking store '${this.path}' during a write (${compromised.message}); another process may have written at the same time.`, { cause: compromised });
    }
    return result;
  }
}
