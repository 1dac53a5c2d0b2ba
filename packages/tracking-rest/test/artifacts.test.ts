import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectTrackingError } from '@mlproject/tracking/conformance';
import { openRestArtifacts } from '../src/index.js';
import { fakeServer, json, servedStore, type ServedStore } from './helpers.js';

describe('artifacts through the server (mlflow-artifacts:)', () => {
  let store: ServedStore;
  beforeEach(async () => {
    store = await servedStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('uploads, downloads and lists a run\'s artifacts; files land under the server\'s artifacts destination', async () => {
    const run = await store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] });
    const uri = run.info.artifactUri;
    expect(uri).toMatch(/^mlflow-artifacts:\//);
    const binary = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await store.artifacts.upload(uri, 'stdout.txt', 'hello\n');
    await store.artifacts.upload(uri, 'model/weights.bin', binary);
    await store.artifacts.upload(uri, 'model/name with space & ü.txt', 'odd');
    await store.artifacts.upload(uri, 'stdout.txt', 'hello again\n');
    expect((await store.artifacts.download(uri, 'stdout.txt')).toString()).toBe('hello again\n');
    expect(await store.artifacts.download(uri, 'model/weights.bin')).toEqual(binary);
    expect((await store.artifacts.download(uri, './model//name with space & ü.txt')).toString()).toBe('odd');
    expect(await store.artifacts.list(uri)).toEqual([
      { path: 'model', isDir: true },
      { path: 'stdout.txt', isDir: false, fileSize: 12 },
    ]);
    expect(await store.artifacts.list(uri, 'model')).toEqual([
      { path: 'model/name with space & ü.txt', isDir: false, fileSize: 3 },
      { path: 'model/weights.bin', isDir: false, fileSize: binary.length },
    ]);
    expect(await store.artifacts.list(uri, 'missing')).toEqual([]);
    const onDisk = join(store.artifactsDir, '0', run.info.runId, 'artifacts', 'model', 'weights.bin');
    expect(readFileSync(onDisk)).toEqual(binary);
    await expectTrackingError(store.artifacts.download(uri, 'nope.txt'), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('reaches the host named in mlflow-artifacts://host:port/ without a tracking URI', async () => {
    const host = new URL(store.serverUrl).host;
    const artifacts = openRestArtifacts(undefined, { retries: 0, fetch: store.fetch });
    await artifacts.upload(`mlflow-artifacts://${host}/0/r1/artifacts`, 'a.txt', 'A');
    expect((await artifacts.download(`mlflow-artifacts://${host}/0/r1/artifacts`, 'a.txt')).toString()).toBe('A');
    expect(readFileSync(join(store.artifactsDir, '0', 'r1', 'artifacts', 'a.txt'), 'utf8')).toBe('A');
    await expectTrackingError(artifacts.list('mlflow-artifacts:/0/r1/artifacts'), 'INVALID_PARAMETER_VALUE', /names no server/);
  });
});

describe('artifacts: transport details', () => {
  it('sends the credentials and keeps the tracking URI\'s path prefix, replacing only the host', async () => {
    const server = await fakeServer((_req, res) => json(res, 200, {}));
    try {
      const artifacts = openRestArtifacts('http://127.0.0.1:1/mlflow/', { token: 'tok' });
      const host = new URL(server.url).host;
      await artifacts.upload(`mlflow-artifacts://${host}/5/r/artifacts`, 'dir/f.txt', 'x');
      expect(server.seen[0]).toMatchObject({ method: 'PUT', url: '/mlflow/api/2.0/mlflow-artifacts/artifacts/5/r/artifacts/dir/f.txt', body: 'x' });
      expect(server.seen[0]?.headers.authorization).toBe('Bearer tok');
    } finally {
      await server.close();
    }
  });
});

describe('artifacts on the local file system', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlproject-rest-local-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and writes plain paths and file:// URIs', async () => {
    const artifacts = openRestArtifacts(undefined);
    const root = join(dir, 'run', 'artifacts');
    await artifacts.upload(root, 'logs/stdout.txt', 'out');
    await artifacts.upload(pathToFileURL(root).href, 'lock.txt', Buffer.from('pinned'));
    expect(readFileSync(join(root, 'logs', 'stdout.txt'), 'utf8')).toBe('out');
    expect((await artifacts.download(pathToFileURL(root).href, 'logs/stdout.txt')).toString()).toBe('out');
    expect(await artifacts.list(root)).toEqual([{ path: 'lock.txt', isDir: false, fileSize: 6 }, { path: 'logs', isDir: true }]);
    expect(await artifacts.list(root, 'logs')).toEqual([{ path: 'logs/stdout.txt', isDir: false, fileSize: 3 }]);
    expect(await artifacts.list(join(dir, 'nothing'))).toEqual([]);
    await expectTrackingError(artifacts.download(root, 'missing.txt'), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses paths that leave the artifact root, absolute paths and empty file paths, before touching anything', async () => {
    const artifacts = openRestArtifacts('http://127.0.0.1:1', { retries: 0 });
    for (const bad of ['../escape.txt', 'a/../../b', '..', '/etc/passwd', 'C:/x', 'a\\b', '']) {
      await expectTrackingError(artifacts.upload(dir, bad, 'x'), 'INVALID_PARAMETER_VALUE', /Invalid artifact path/);
      await expectTrackingError(artifacts.upload('mlflow-artifacts:/0/r/artifacts', bad, 'x'), 'INVALID_PARAMETER_VALUE', /Invalid artifact path/);
    }
    await expectTrackingError(artifacts.list(dir, '../..'), 'INVALID_PARAMETER_VALUE');
    await expectTrackingError(artifacts.download('mlflow-artifacts:/../../etc', 'passwd'), 'INVALID_PARAMETER_VALUE');
    expect(existsSync(join(dir, '..', 'escape.txt'))).toBe(false);
  });

  it('refuses artifact stores it cannot reach with a clear message', async () => {
    const artifacts = openRestArtifacts(undefined);
    for (const uri of ['s3://bucket/0/r/artifacts', 'gs://b/x', 'wasbs://c@a.blob.core.windows.net/x', 'hdfs://nn/x']) {
      await expectTrackingError(artifacts.upload(uri, 'f.txt', 'x'), 'NOT_IMPLEMENTED', /^Artifact store [a-z0-9]+:\/\/ is not supported/);
    }
  });
});
