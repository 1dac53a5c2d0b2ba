import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { expect } from 'vitest';
import type { TrackingStore } from '@mlproject/tracking';

// Two ways to lose the race to create an experiment: deterministically (another handle creates it
// between this one's lookup and its create), and for real (processes released at one moment).

/**
 * `store` as one process sees it when another process (`other`, a second handle on the same file)
 * creates the experiment between its lookup and its create: the first lookup misses, and the
 * other handle creates (and, with `deleted`, deletes) the experiment right then.
 */
export function racedStore(store: TrackingStore, other: TrackingStore, deleted = false): TrackingStore {
  let raced = false;
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'getExperimentByName' && !raced) {
        return async (name: string) => {
          raced = true;
          const id = await other.createExperiment(name);
          if (deleted) await other.deleteExperiment(id);
          return null;
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

/**
 * Starts `count` node processes that each open `uri`, wait together for a start file, then resolve
 * the experiment `name` at the same moment (the built runner). Returns each one's experiment ID;
 * a process that fails makes the test fail with its output.
 */
export async function resolveConcurrently(uri: string, name: string, count = 6): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlproject-exp-race-'));
  const go = path.join(dir, 'go');
  const script = `
    import { existsSync } from 'node:fs';
    import { openStore } from ${JSON.stringify(path.join(dist, 'tracking-uri.js'))};
    import { resolveExperimentId } from ${JSON.stringify(path.join(dist, 'experiment.js'))};
    const opened = await openStore(${JSON.stringify(uri)}, ${JSON.stringify(dir)});
    console.error('ready');
    while (!existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 2));
    console.log(await resolveExperimentId(opened.store, ${JSON.stringify(name)}, undefined, {}));
    await opened.store.close();`;
  const children = Array.from({ length: count }, () => execa('node', ['--input-type=module', '-e', script], { cwd: dir, reject: false, all: true }));
  await Promise.all(children.map((child) => new Promise<void>((resolve) => {
    child.stderr?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    void child.then(() => resolve());
  })));
  writeFileSync(go, '');
  const results = await Promise.all(children);
  for (const result of results) expect(result.exitCode, result.all).toBe(0);
  return results.map((result) => result.stdout.trim());
}
