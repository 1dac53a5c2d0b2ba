import { afterEach, beforeEach, expect } from 'vitest';
import type { Run, Tag } from '../entities.js';
import type { TrackingErrorCode } from '../errors.js';
import type { TrackingStore } from '../store.js';

/** Makes a fresh, empty store (experiment "0" only) for each test. */
export type MakeStore = () => TrackingStore | Promise<TrackingStore>;

/** Gives each test its own store from `makeStore`, closed after the test. */
export interface StoreHarness {
  readonly store: TrackingStore;
}

/** Registers beforeEach/afterEach hooks that open a fresh store for each test and close it after. */
export function useStore(makeStore: MakeStore): StoreHarness {
  let current: TrackingStore | undefined;
  beforeEach(async () => {
    current = await makeStore();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get store(): TrackingStore {
      if (current === undefined) throw new Error('the store is only available inside a test');
      return current;
    },
  };
}

/** Asserts that `promise` rejects with a TrackingError of `errorCode` (and a message matching `message`). */
export async function expectTrackingError(promise: Promise<unknown>, errorCode: TrackingErrorCode, message?: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a TrackingError ${errorCode}`).toMatchObject({ name: 'TrackingError', errorCode });
  if (message) expect((error as Error).message).toMatch(message);
}

/** Creates a run with sensible defaults in `experimentId` (default "0"). */
export async function newRun(
  store: TrackingStore,
  options: { experimentId?: string; startTime?: number; tags?: Tag[]; runName?: string } = {},
): Promise<Run> {
  return store.createRun({
    experimentId: options.experimentId ?? '0',
    userId: 'tester',
    startTime: options.startTime ?? 1_700_000_000_000,
    tags: options.tags ?? [],
    ...(options.runName === undefined ? {} : { runName: options.runName }),
  });
}

/** The value of tag `key` in a tag list, or undefined. */
export function tagValue(tags: Tag[], key: string): string | undefined {
  return tags.find((t) => t.key === key)?.value;
}
