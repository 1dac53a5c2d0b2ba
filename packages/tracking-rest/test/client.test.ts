import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openRestStore, RestTrackingError, type RetryInfo } from '../src/index.js';
import { fakeServer, json } from './helpers.js';

const fast = { backoffMs: 1, jitterMs: 0 };
const RUN = { run: { info: { run_id: 'a'.repeat(32), experiment_id: '0', status: 'RUNNING', start_time: 1, lifecycle_stage: 'active' } } };

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
});
async function fake(...args: Parameters<typeof fakeServer>): ReturnType<typeof fakeServer> {
  const server = await fakeServer(...args);
  closers.push(server.close);
  return server;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<RestTrackingError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RestTrackingError);
  return error as RestTrackingError;
}

describe('requests on the wire', () => {
  it('sends GET parameters as a query string and other calls as JSON, with NaN and infinities as strings', async () => {
    const server = await fake((req, res) => json(res, 200, req.method === 'GET' ? { metrics: [] } : {}));
    const store = openRestStore(`${server.url}/`);
    expect(store.uri).toBe(server.url);
    await store.getMetricHistory('r1', 'loss', { maxResults: 5 });
    await store.logBatch('r1', { metrics: [{ key: 'm', value: Number.NaN, timestamp: 1, step: 0 }, { key: 'n', value: -Infinity, timestamp: 1, step: 2 }] });
    await store.searchRuns({ experimentIds: ['1', '2'], maxResults: 0 });
    const [get, batch, search] = server.seen;
    expect(get?.method).toBe('GET');
    expect(new URL(get?.url ?? '', server.url).searchParams.get('metric_key')).toBe('loss');
    expect(new URL(get?.url ?? '', server.url).searchParams.get('max_results')).toBe('5');
    expect(batch?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(batch?.body ?? '')).toMatchObject({ run_id: 'r1', metrics: [{ key: 'm', value: 'NaN' }, { key: 'n', value: '-Infinity', step: 2 }] });
    expect(JSON.parse(search?.body ?? '')).toMatchObject({ experiment_ids: ['1', '2'], max_results: 0 });
  });

  it('reads int64 as numeric strings, lowerCamelCase names, enum numbers and string-encoded doubles', async () => {
    const server = await fake((_req, res) => json(res, 200, {
      run: {
        info: { runId: 'b'.repeat(32), experimentId: '3', status: 3, startTime: '1700000000000', endTime: '1700000000500', lifecycleStage: 'active' },
        data: { metrics: [{ key: 'loss', value: 'Infinity', timestamp: '5', step: '2' }] },
      },
    }));
    const run = await openRestStore(server.url).getRun('b'.repeat(32));
    expect(run.info).toMatchObject({ runId: 'b'.repeat(32), experimentId: '3', status: 'FINISHED', startTime: 1_700_000_000_000, endTime: 1_700_000_000_500 });
    expect(run.data.metrics).toEqual([{ key: 'loss', value: Infinity, timestamp: 5, step: 2 }]);
    expect(run.inputs).toEqual({ datasetInputs: [], modelInputs: [] });
  });
});

describe('authentication', () => {
  it('sends a Bearer token, else Basic credentials from the options or the URL (which is sent without them)', async () => {
    const server = await fake((_req, res) => json(res, 200, RUN));
    await openRestStore(server.url, { token: 't0k', username: 'u', password: 'p' }).getRun('x');
    await openRestStore(server.url, { username: 'ann', password: 's3cret' }).getRun('x');
    await openRestStore(server.url.replace('http://', 'http://bob:pa%3Ass@')).getRun('x');
    await openRestStore(server.url).getRun('x');
    expect(server.seen.map((s) => s.headers.authorization)).toEqual([
      'Bearer t0k',
      `Basic ${Buffer.from('ann:s3cret').toString('base64')}`,
      `Basic ${Buffer.from('bob:pa:ss').toString('base64')}`,
      undefined,
    ]);
  });

  it('turns 401 and 403 into one line naming the server and what to set', async () => {
    const server = await fake((req, res) => {
      if (req.headers.authorization === undefined) { res.writeHead(401, { 'content-type': 'text/html' }); res.end('<html>Unauthorized</html>'); return; }
      json(res, 403, { error_code: 'PERMISSION_DENIED', message: 'Permission denied' });
    });
    const anonymous = await rejection(openRestStore(server.url).getRun('x'));
    expect(anonymous.message).toContain(`The tracking server at ${server.url} requires authentication (HTTP 401)`);
    expect(anonymous.message).toContain('set MLFLOW_TRACKING_TOKEN');
    expect(anonymous.message).not.toContain('\n');
    const denied = await rejection(openRestStore(server.url, { token: 'x' }).deleteRun('r'));
    expect(anonymous).toMatchObject({ httpStatus: 401, errorCode: 'UNAUTHENTICATED' });
    expect(denied).toMatchObject({ httpStatus: 403, serverErrorCode: 'PERMISSION_DENIED', errorCode: 'PERMISSION_DENIED' });
    expect(denied.message).toMatch(/refused POST \/api\/2\.0\/mlflow\/runs\/delete \(HTTP 403 permission denied\) \(Permission denied\)/);
  });
});

describe('error mapping', () => {
  it("keeps the server's error_code and message; maps codes we do not have to the nearest; a status as code maps by status", async () => {
    const answers: [number, object][] = [
      [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=x not found' }],
      [400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Changing param values is not allowed.' }],
      [400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: "Experiment 'a' already exists." }],
      [500, { error_code: 'INVALID_STATE', message: 'Cannot rename a non-active experiment.' }],
      [404, { error_code: '404', message: 'gone' }],
      [400, { error_code: 'SOMETHING_NEW' }],
    ];
    const server = await fake((_req, res, n) => json(res, ...(answers[n - 1] ?? [500, {}])));
    const store = openRestStore(server.url, { retries: 0 });
    const errors = [];
    for (let i = 0; i < answers.length; i += 1) errors.push(await rejection(store.renameExperiment('1', 'b')));
    expect(errors.map((e) => [e.errorCode, e.serverErrorCode, e.message])).toEqual([
      ['RESOURCE_DOES_NOT_EXIST', 'RESOURCE_DOES_NOT_EXIST', 'Run with id=x not found'],
      ['INVALID_PARAMETER_VALUE', 'INVALID_PARAMETER_VALUE', 'Changing param values is not allowed.'],
      ['RESOURCE_ALREADY_EXISTS', 'RESOURCE_ALREADY_EXISTS', "Experiment 'a' already exists."],
      ['INVALID_PARAMETER_VALUE', 'INVALID_STATE', 'Cannot rename a non-active experiment.'],
      ['ENDPOINT_NOT_FOUND', '404', 'gone'],
      ['BAD_REQUEST', 'SOMETHING_NEW', expect.stringContaining('SOMETHING_NEW (HTTP 400)')],
    ]);
    expect(errors[0]).toMatchObject({ name: 'TrackingError', code: 'ERR_MLPROJECT_TRACKING_RESOURCE_DOES_NOT_EXIST', httpStatus: 404 });
  });

  it('says a non-JSON answer may come from a proxy, and reads a bare 404 as ENDPOINT_NOT_FOUND (so get-by-name does not answer null)', async () => {
    const server = await fake((_req, res) => { res.writeHead(404, { 'content-type': 'text/html' }); res.end('<h1>Not Found</h1>\n<p>nginx</p>'); });
    const store = openRestStore(server.url);
    const error = await rejection(store.getExperimentByName('x'));
    expect(error.errorCode).toBe('ENDPOINT_NOT_FOUND');
    expect(error.message).toContain('answered HTTP 404 (<h1>Not Found</h1> <p>nginx</p>)');
    expect(error.message).toContain(`check that ${server.url} is an MLflow tracking server`);
  });

  it('answers null from getExperimentByName only for RESOURCE_DOES_NOT_EXIST', async () => {
    const server = await fake((_req, res) => json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'x'" }));
    expect(await openRestStore(server.url).getExperimentByName('x')).toBeNull();
  });

  it('says when a server has no logged-model endpoints (MLflow 2.x answers an HTML 404)', async () => {
    const server = await fake((_req, res) => { res.writeHead(404, { 'content-type': 'text/html' }); res.end('<!doctype html><title>404 Not Found</title>'); });
    const store = openRestStore(server.url);
    for (const call of [
      () => store.createLoggedModel({ experimentId: '0' }), () => store.getLoggedModel('m-1'), () => store.searchLoggedModels({ experimentIds: ['0'] }),
      () => store.deleteLoggedModelTag('m-1', 'k'), () => store.logOutputs('r', [{ modelId: 'm-1', step: 0 }]),
    ]) {
      const error = await rejection(call());
      expect(error.errorCode).toBe('NOT_IMPLEMENTED');
      expect(error.message).toMatch(new RegExp(`^The tracking server at ${server.url} does not support (logged models|run outputs) .*upgrade it to MLflow 3`));
    }
  });

  it('refuses a 200 whose body is not a JSON object, and reads an empty 200 as {}', async () => {
    const server = await fake((_req, res, n) => (n === 1 ? json(res, 200, '[1,2]') : json(res, 200, '')));
    const store = openRestStore(server.url);
    expect((await rejection(store.getExperiment('1'))).message).toContain('not a JSON object');
    await store.setTag('r', { key: 'k', value: 'v' });
  });
});

describe('retries', () => {
  it('retries idempotent calls on 5xx and 429, honouring Retry-After', async () => {
    const server = await fake((_req, res, n) => {
      if (n === 1) json(res, 503, 'busy');
      else if (n === 2) json(res, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'retry-after': '0' });
      else json(res, 200, RUN);
    });
    const run = await openRestStore(server.url, { retries: 3, ...fast }).getRun('a'.repeat(32));
    expect(run.info.runId).toBe('a'.repeat(32));
    expect(server.seen).toHaveLength(3);
  });

  it('gives up after the configured retries with the last error', async () => {
    const server = await fake((_req, res) => json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'database is locked' }));
    const error = await rejection(openRestStore(server.url, { retries: 2, ...fast }).logParam('r', { key: 'a', value: '1' }));
    expect(error).toMatchObject({ errorCode: 'INTERNAL_ERROR', message: 'database is locked' });
    expect(server.seen).toHaveLength(3);
  });

  it('does not repeat a create the server may have done (5xx), but does after 429', async () => {
    const server = await fake((_req, res, n) => (n <= 1 ? json(res, 502, 'bad gateway') : n === 2 ? json(res, 429, {}) : json(res, 200, { experiment_id: '7' })));
    const store = openRestStore(server.url, { retries: 3, ...fast });
    expect((await rejection(store.createExperiment('x'))).httpStatus).toBe(502);
    expect(server.seen).toHaveLength(1);
    expect(await store.createExperiment('x')).toBe('7');
    expect(server.seen).toHaveLength(3);
  });

  it('retries a timed-out idempotent call', async () => {
    const server = await fake((_req, res, n) => {
      if (n === 1) return; // never answers: the client's timeout ends the attempt
      json(res, 200, RUN);
    });
    const run = await openRestStore(server.url, { retries: 1, timeoutMs: 300, ...fast }).getRun('a'.repeat(32));
    expect(run.info.status).toBe('RUNNING');
    expect(server.seen).toHaveLength(2);
  });

  it('names the URL and what to check when nothing listens, after retrying even a create', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await rejection(openRestStore(url, { retries: 2, ...fast }).createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] }));
    expect(error.errorCode).toBe('INTERNAL_ERROR');
    expect(error.message).toMatch(new RegExp(`^Cannot reach the tracking server at ${url} \\(POST /api/2.0/mlflow/runs/create (connect )?ECONNREFUSED.*; 3 attempts\\): check that the server is running and that --tracking-uri / MLFLOW_TRACKING_URI points at it\\.$`));
    expect(error.cause).toBeDefined();
  });

  it('tells onRetry about each retry: which, of how many, the wait, why and where', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const retries: RetryInfo[] = [];
    await rejection(openRestStore(url, { retries: 2, backoffMs: 5, jitterMs: 0, onRetry: (info) => retries.push(info) }).getRun('a'.repeat(32)));
    expect(retries).toEqual([
      { attempt: 1, maxAttempts: 2, waitMs: 0, reason: 'ECONNREFUSED', url },
      { attempt: 2, maxAttempts: 2, waitMs: 10, reason: 'ECONNREFUSED', url },
    ]);
    const server = await fake((_req, res, n) => (n === 1 ? json(res, 503, 'busy') : json(res, 200, RUN)));
    const seen: RetryInfo[] = [];
    await openRestStore(server.url, { retries: 3, ...fast, onRetry: (info) => seen.push(info) }).getRun('a'.repeat(32));
    expect(seen).toEqual([{ attempt: 1, maxAttempts: 3, waitMs: 0, reason: 'HTTP 503', url: server.url }]);
  });

  it('keeps a long, multi-line failure to one line and ~200 characters of cause', async () => {
    const noisy = (async () => { throw Object.assign(new Error(`first line\nsecond line ${'x'.repeat(500)}`), { code: 'ESOMETHING' }); }) as unknown as typeof fetch;
    const error = await rejection(openRestStore('http://127.0.0.1:1', { retries: 0, fetch: noisy }).getRun('a'.repeat(32)));
    expect(error.message).not.toContain('\n');
    const cause = /\(GET \S+ (.*)\): check that/.exec(error.message)?.[1] ?? '';
    expect(cause).toMatch(/^ESOMETHING: first line second line x+…$/);
    expect(cause.length).toBeLessThanOrEqual(200);
  });

  it('refuses bad URLs and retry counts up front', () => {
    expect(() => openRestStore('ftp://host')).toThrow(/is not http:\/\/ or https:\/\//);
    expect(() => openRestStore('localhost:5000x')).toThrow();
    expect(() => openRestStore('http://h', { retries: 11 })).toThrow(/from 0 to 10/);
  });
});
