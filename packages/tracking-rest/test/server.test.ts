import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openRestStore, RestTrackingError } from '../src/index.js';
import { servedStore, type ServedStore } from './helpers.js';

describe('round trips through our server', () => {
  let store: ServedStore;
  beforeEach(async () => {
    store = await servedStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps NaN and infinite metric values, and model/dataset fields of metrics', async () => {
    const { info } = await store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] });
    await store.logBatch(info.runId, { metrics: [
      { key: 'nan', value: Number.NaN, timestamp: 1, step: 0 },
      { key: 'inf', value: Infinity, timestamp: 1, step: 0 },
    ] });
    await store.logMetric(info.runId, { key: 'neg', value: -Infinity, timestamp: 2, step: 1, datasetName: 'wine', datasetDigest: 'abc' });
    const metrics = (await store.getRun(info.runId)).data.metrics;
    expect(Object.fromEntries(metrics.map((m) => [m.key, m.value]))).toEqual({ nan: Number.NaN, inf: Infinity, neg: -Infinity });
    expect((await store.getMetricHistory(info.runId, 'neg')).items).toEqual([
      { key: 'neg', value: -Infinity, timestamp: 2, step: 1, datasetName: 'wine', datasetDigest: 'abc' },
    ]);
  });

  it('pages metric history with the server\'s tokens', async () => {
    const { info } = await store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] });
    await store.logBatch(info.runId, { metrics: [1, 2, 3].map((step) => ({ key: 'm', value: step, timestamp: step, step })) });
    const first = await store.getMetricHistory(info.runId, 'm', { maxResults: 2 });
    expect(first.items.map((m) => m.step)).toEqual([1, 2]);
    const second = await store.getMetricHistory(info.runId, 'm', { maxResults: 2, pageToken: first.nextPageToken ?? '' });
    expect(second.items.map((m) => m.step)).toEqual([3]);
    expect(second.nextPageToken).toBeUndefined();
  });

  it("surfaces the server's RESOURCE_DOES_NOT_EXIST with its HTTP status", async () => {
    const error = await store.getRun('0123456789abcdef0123456789abcdef').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestTrackingError);
    expect(error).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', httpStatus: 404, serverErrorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });
});

describe('TLS', () => {
  let dir: string;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlproject-rest-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ experiment: { experiment_id: '0', name: 'Default', lifecycle_stage: 'active' } }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a self-signed certificate with a hint, and accepts it with insecureTls', async () => {
    const error = await openRestStore(url, { retries: 0 }).getExperiment('0').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TrackingError', errorCode: 'BAD_REQUEST' });
    expect((error as Error).message).toMatch(new RegExp(`^TLS failed for ${url} .*set MLFLOW_TRACKING_INSECURE_TLS=true`));
    expect((await openRestStore(url, { insecureTls: true }).getExperiment('0')).name).toBe('Default');
  });

  it('says in one line, with a hint, that an https:// URL reaches a plain-http server (no OpenSSL internals)', async () => {
    const plain = createHttpServer((_req, res) => res.end('{}'));
    await new Promise<void>((done) => plain.listen(0, '127.0.0.1', done));
    const port = (plain.address() as AddressInfo).port;
    try {
      const error = await openRestStore(`https://127.0.0.1:${port}`, { retries: 3, backoffMs: 1, jitterMs: 0 }).getExperiment('0').catch((e: unknown) => e);
      expect(error).toMatchObject({
        errorCode: 'BAD_REQUEST',
        message: `Cannot reach the tracking server at https://127.0.0.1:${port}: TLS handshake failed (wrong version number: is it an http:// server?)`,
        hint: `if the server does not serve TLS, use http://127.0.0.1:${port}`,
      });
    } finally {
      plain.closeAllConnections();
      await new Promise<void>((done) => plain.close(() => done()));
    }
  });
});
