// Big logs and long histories on the run page, in a real Chromium against a real `mlproject ui`: a
// log over 1 MiB shows its last MiB with a note and a link to the whole file; while the run is
// RUNNING a log is downloaded again only when it grew, and then only its new bytes when the server
// answers Range (emulated here with page.route, as `mlproject ui` sends whole files) or, when it
// does not, at most every 20 s; a metric history that gained points is extended from its last point.
import { readFileSync } from 'node:fs';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, launchChromium, startUi, type UiServer, noChromium } from './browser-helpers.js';

let ui: UiServer | undefined;
let browser: Browser | undefined;
let url = '';

const MiB = 1024 * 1024;
/** `count` lines of 64 bytes, numbered from `from`. */
const lines = (from: number, count: number): string => Array.from({ length: count }, (_, i) => `line ${String(from + i).padStart(8, '0')} ${'.'.repeat(49)}\n`).join('');
const BIG = lines(0, (3 * MiB) / 64);
const rootOf = (artifactUri: string): string => artifactUri.replace(/^mlflow-artifacts:\//, '');

async function put(root: string, file: string, body: string): Promise<void> {
  const response = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/${file}`, { method: 'PUT', body });
  expect(response.status, `PUT ${file}`).toBe(200);
}

/** A run with logs/stdout.txt = `stdout`; RUNNING unless `finished`. Returns its ID and artifact root. */
async function runWithLog(name: string, stdout: string, finished = false): Promise<{ runId: string; root: string }> {
  const { run } = await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: name, start_time: Date.now() - 5_000 });
  const root = rootOf(run.info.artifact_uri);
  await put(root, 'logs/stdout.txt', stdout);
  if (finished) await api(url, 'POST', 'runs/update', { run_id: run.info.run_id, status: 'FINISHED', end_time: Date.now() });
  return { runId: run.info.run_id, root };
}

const logText = (page: Page): Promise<string> => page.$eval('pre[data-log="stdout"]', (pre) => pre.textContent ?? '');
const isStdout = (u: string): boolean => u.includes('/get-artifact?') && u.includes('stdout.txt');

describe.skipIf(noChromium !== '')(`big logs and live histories in Chromium${noChromium}`, () => {
  beforeAll(async () => {
    ui = await startUi();
    url = ui.url;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
  });

  it('shows the last MiB of a 3 MiB log from its first whole line, with a note and a link to the whole file', async () => {
    const { runId } = await runWithLog('big-log-elk', BIG, true);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${url}/#/runs/${runId}`);
    await page.waitForSelector('pre[data-log="stdout"]:not(:empty)');
    const text = await logText(page);
    expect(text.length).toBeLessThanOrEqual(MiB);
    expect(text.length).toBeGreaterThan(MiB - 128);
    expect(text).toMatch(/^line \d{8} \.{49}\n/);
    expect(text.endsWith(lines((3 * MiB) / 64 - 1, 1))).toBe(true);
    expect(await page.textContent('.log-note')).toBe('Only the end of logs/stdout.txt is shown (about the last 1.0 MiB of 3.0 MiB): download the whole log.');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click('.log-note a.download')]);
    expect(saved.suggestedFilename()).toBe('stdout.txt');
    expect(readFileSync(await saved.path(), 'utf8')).toBe(BIG);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('while live, reads a big log again only every 20 s from a server that sends whole files', async () => {
    const { runId, root } = await runWithLog('slow-log-elk', BIG);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const downloads: string[] = [];
    const listings: string[] = [];
    page.on('request', (request) => {
      if (isStdout(request.url())) downloads.push(request.headers()['range'] ?? '');
      if (request.url().includes('artifacts/list') && request.url().includes('path=logs')) listings.push(request.url());
    });
    // `mlproject ui` answers Range; this plays a server that ignores it and sends the whole file.
    await page.route((u) => isStdout(u.toString()), async (route: Route) => {
      const headers = { ...route.request().headers() };
      delete headers['range'];
      return route.fulfill({ response: await route.fetch({ headers }) });
    });
    await page.goto(`${url}/#/runs/${runId}`);
    await page.waitForSelector('pre[data-log="stdout"]:not(:empty)');
    expect(downloads).toEqual([`bytes=${2 * MiB}-`]);
    const first = Date.now();
    await put(root, 'logs/stdout.txt', BIG + lines(99_000_000, 3));
    // Several polls (a listing each), no second download yet.
    await page.waitForTimeout(5000);
    expect(listings.length).toBeGreaterThanOrEqual(3);
    expect(downloads).toHaveLength(1);
    expect(await page.textContent('.log-note')).toContain('while the run is live the log is read again every 20 s');
    await page.waitForFunction((last) => document.querySelector('pre[data-log="stdout"]')?.textContent?.endsWith(last), lines(99_000_002, 1), { timeout: 30_000 });
    expect(Date.now() - first).toBeGreaterThan(15_000);
    expect(downloads).toHaveLength(2);
    expect((await logText(page)).split('\n').filter((l) => l.startsWith('line 99000000 '))).toHaveLength(1);
    await api(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    await page.close();
  });

  it('while live, fetches only the bytes a log gained from a server that answers Range, and keeps about 1 MiB in the page', async () => {
    const { runId, root } = await runWithLog('range-log-elk', BIG);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const answered: { range: string; bytes: number }[] = [];
    // `mlproject ui` answers `Range: bytes=N-` with 206 and just those bytes.
    page.on('response', async (response) => {
      if (!isStdout(response.url())) return;
      const range = response.request().headers()['range'] ?? '';
      const body = await response.body();
      expect(response.status()).toBe(range === '' ? 200 : 206);
      answered.push({ range, bytes: body.length });
    });
    await page.goto(`${url}/#/runs/${runId}`);
    await page.waitForSelector('pre[data-log="stdout"]:not(:empty)');
    await expect.poll(() => answered.length).toBe(1);
    expect(answered).toEqual([{ range: `bytes=${2 * MiB}-`, bytes: MiB }]);
    await page.$eval('pre[data-log="stdout"]', (pre) => { pre.scrollTop = pre.scrollHeight; });

    const more = lines(3 * MiB / 64, 100);
    await put(root, 'logs/stdout.txt', BIG + more);
    await page.waitForFunction((last) => document.querySelector('pre[data-log="stdout"]')?.textContent?.endsWith(last), lines(3 * MiB / 64 + 99, 1), { timeout: 10_000 });
    await expect.poll(() => answered.length).toBe(2);
    expect(answered[1]).toEqual({ range: `bytes=${3 * MiB}-`, bytes: more.length });
    expect(answered).toHaveLength(2);
    // Still at its end.
    expect(await page.$eval('pre[data-log="stdout"]', (pre) => pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4)).toBe(true);

    // 1 MiB more: the page keeps at most 1.5 MiB of it, cut at a line.
    const megabyte = lines(3 * MiB / 64 + 100, MiB / 64);
    await put(root, 'logs/stdout.txt', BIG + more + megabyte);
    await page.waitForFunction((last) => document.querySelector('pre[data-log="stdout"]')?.textContent?.endsWith(last), lines(3 * MiB / 64 + 100 + MiB / 64 - 1, 1), { timeout: 10_000 });
    const text = await logText(page);
    expect(text.length).toBeLessThanOrEqual(1.5 * MiB);
    expect(text).toMatch(/^line \d{8} /);
    await expect.poll(() => answered.length).toBe(3);
    expect(answered.map((a) => a.bytes)).toEqual([MiB, more.length, megabyte.length]);
    await api(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    await page.close();
  });

  it('while live, extends a 20,000-point history from its last point instead of reading it again', async () => {
    const { run } = await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: 'long-history-elk', start_time: Date.now() - 5_000 });
    const runId: string = run.info.run_id;
    const t = Date.now() - 100_000;
    for (let batch = 0; batch < 20; batch += 1) {
      await api(url, 'POST', 'runs/log-batch', {
        run_id: runId,
        metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: 1 / (batch * 1000 + i + 1), timestamp: t + batch * 1000 + i, step: batch * 1000 + i })),
      });
    }
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const reads: { token: string | null; points: number }[] = [];
    page.on('response', async (response) => {
      if (!response.url().includes('metrics/get-history')) return;
      const body = await response.json() as { metrics?: unknown[] };
      reads.push({ token: new URL(response.url()).searchParams.get('page_token'), points: body.metrics?.length ?? 0 });
    });
    await page.goto(`${url}/#/runs/${runId}?metric=loss`);
    await page.waitForSelector('.chart[data-state="drawn"][data-points="20000"]');
    await api(url, 'POST', 'runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 5 }, (_, i) => ({ key: 'loss', value: 0.00001, timestamp: Date.now() + i, step: 20_000 + i })),
    });
    await page.waitForSelector('.chart[data-state="drawn"][data-points="20005"]', { timeout: 10_000 });
    expect(reads).toEqual([
      { token: null, points: 20_000 },
      { token: btoa(JSON.stringify({ offset: 19_999 })), points: 6 },
    ]);
    await api(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    await page.close();
  });
});
