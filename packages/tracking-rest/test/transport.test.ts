import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '@mlproject/tracking-sqlite';
import { createTrackingServer, type TrackingServer } from '@mlproject/tracking-server';
import { openRestStore } from '../src/index.js';

// Ports the fetch standard calls "bad" (undici/lib/web/fetch/constants.js): Node's fetch refuses
// them, Python's requests does not, and `mlproject server` listens on them.
const BAD_PORTS = [6000, 6665, 6666, 6667, 6668, 6669, 5060, 5061, 6697, 10080, 4190];

async function listenOnABadPort(store: ReturnType<typeof openSqliteStore>, dir: string): Promise<TrackingServer> {
  for (const port of BAD_PORTS) {
    try {
      return await createTrackingServer({ store, artifactsDestination: join(dir, 'artifacts'), port });
    } catch (error) {
      if (!/EADDRINUSE|in use/i.test(String((error as Error).message) + String((error as { code?: string }).code))) throw error;
    }
  }
  throw new Error(`none of the bad ports ${BAD_PORTS.join(', ')} is free`);
}

describe('the REST store on a port the fetch standard blocks', () => {
  it('lists experiments of our server on that port (where Node fetch fails with "bad port")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlproject-rest-port-'));
    const sqlite = openSqliteStore(join(dir, 'mlproject.db'));
    const server = await listenOnABadPort(sqlite, dir);
    try {
      await expect(fetch(`${server.url}/health`)).rejects.toMatchObject({ cause: { message: 'bad port' } });
      const rest = openRestStore(server.url, { retries: 0 });
      const found = await rest.searchExperiments({ maxResults: 10 });
      expect(found.items.map((experiment) => experiment.name)).toEqual(['Default']);
      await rest.close();
    } finally {
      await server.close();
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
