// The runs table's edges, in Chromium against a real `mlproject ui`: NaN and Infinity metrics, wide
// tables scrolled sideways, scatter points sharing an x value, MLflow's run links, broken URLs, a
// missing experiment, a bad sort order in the URL, and the idle refresh.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, launchChromium, noChromium, shots, startUi, type UiServer } from './browser-helpers.js';

describe.skipIf(noChromium !== '')(`runs table edges${noChromium}`, () => {
  let ui: UiServer;
  let browser: Browser;
  let experimentId = '';
  const ids: Record<string, string> = {};

  /** A finished run in `experimentId` with these params and metrics (values as the REST API takes them). */
  async function run(name: string, params: Record<string, string>, metrics: Record<string, number | string>): Promise<string> {
    const { run: created } = await api(ui.url, 'POST', 'runs/create', { experiment_id: experimentId, run_name: name, start_time: Date.now() - 1000, user_id: '' });
    const runId: string = created.info.run_id;
    await api(ui.url, 'POST', 'runs/log-batch', {
      run_id: runId,
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: Date.now(), step: 0 })),
      tags: [{ key: 'mlflow.user', value: 'ana' }],
    });
    await api(ui.url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    ids[name] = runId;
    return runId;
  }

  async function open(url: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    return { page, errors };
  }

  beforeAll(async () => {
    ui = await startUi();
    browser = await launchChromium();
    ({ experiment_id: experimentId } = await api(ui.url, 'POST', 'experiments/create', { name: 'edges' }));
    const wide = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${String(i).padStart(2, '0')}`, String(i)]));
    await run('finite', { ...wide, solver: 'adam' }, { loss: 0.5, score: 1 });
    await run('not-a-number', { ...wide, solver: 'sgd' }, { loss: 'NaN', score: 2 });
    await run('infinite', { ...wide, solver: 'sgd' }, { loss: 'Infinity', score: 3 });
    await run('third-sgd', { ...wide, solver: 'sgd' }, { loss: 0.25, score: 4 });
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
  });

  const cell = (page: Page, name: string, column: string) => page.locator(`.runs-spacer .row:has(input[data-run-id="${ids[name]}"]) [data-column="${column}"]`);

  it('lists runs whose metrics are NaN or Infinity, shows the user from the mlflow.user tag, and keeps header and cells aligned when scrolled sideways', async () => {
    const { page, errors } = await open(`${ui.url}/#/experiments/${experimentId}`);
    await page.waitForFunction(() => document.querySelector('.table-status')?.textContent === '4 runs');
    expect(await cell(page, 'not-a-number', 'metric:loss').textContent()).toBe('NaN');
    expect(await cell(page, 'infinite', 'metric:loss').textContent()).toBe('Infinity');
    expect(await cell(page, 'finite', 'user').textContent()).toBe('ana');
    expect(await page.getAttribute('.row.head [data-column="start"]', 'aria-sort')).toBe('descending');
    // Duration cannot be sorted by the server: no link in its header.
    expect(await page.locator('.row.head [data-column="duration"] a').count()).toBe(0);

    await page.evaluate(() => { (document.querySelector('.runs-scroll') as HTMLElement).scrollLeft = 600; });
    await page.waitForTimeout(100);
    const headX = await page.locator('.row.head [data-column="metric:score"]').evaluate((el) => el.getBoundingClientRect().left);
    const cellX = await cell(page, 'finite', 'metric:score').evaluate((el) => el.getBoundingClientRect().left);
    expect(Math.abs(headX - cellX)).toBeLessThan(1);
    await page.screenshot({ path: path.join(shots, 'runs-scrolled.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names and opens each of several scatter points that share an x value', async () => {
    const { page, errors } = await open(`${ui.url}/#/experiments/${experimentId}?scatter=param:solver,metric:score`);
    await page.waitForSelector('.scatter-plot canvas');
    const over = page.locator('.scatter-plot .u-over');
    const box = (await over.boundingBox())!;
    // Points: adam (x 0) score 1; sgd (x 1) scores 2, 3, 4 one above the other. Sweep the sgd column.
    const seenAt = new Map<string, number>();
    for (let y = 0; y <= box.height; y += 4) {
      await page.mouse.move(box.x + box.width * 0.75, box.y + y);
      const text = (await page.locator('.scatter-hover').textContent()) ?? '';
      const match = /^(\S+): param solver = sgd/.exec(text);
      if (match?.[1] && !seenAt.has(match[1])) seenAt.set(match[1], y);
    }
    expect([...seenAt.keys()].sort()).toEqual(['infinite', 'not-a-number', 'third-sgd'].sort());
    // Click where 'infinite' was named and land on its run.
    await page.mouse.click(box.x + box.width * 0.75, box.y + (seenAt.get('infinite') as number));
    await page.waitForFunction(() => location.hash.startsWith('#/runs/'));
    expect(page.url()).toContain(ids['infinite']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens MLflow's run links, survives a broken URL, names a missing experiment and a bad sort order", async () => {
    const { page, errors } = await open(`${ui.url}/#/experiments/${experimentId}/runs/${ids['finite']}`);
    await page.waitForSelector('h1');
    expect(await page.locator('h1').textContent()).toBe('finite');

    await page.goto(`${ui.url}/#/experiments/%ZZ`);
    await page.waitForSelector('.error');
    await page.goto(`${ui.url}/#/experiments/999`);
    await page.waitForFunction(() => document.querySelector('.error')?.textContent?.startsWith("No experiment with ID '999'"));

    await page.goto(`${ui.url}/#/experiments/${experimentId}?order=${encodeURIComponent('nonsense DESC')}`);
    await page.waitForFunction(() => document.querySelector('.table-status .error')?.textContent?.startsWith("Bad sort order 'nonsense DESC'"));
    // The header is there to pick another column, and a link resets the order.
    expect(await page.locator('.row.head').count()).toBe(1);
    await page.click('.table-status a');
    await page.waitForFunction(() => document.querySelector('.table-status')?.textContent === '4 runs');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('while no run is RUNNING, only looks for new runs, and shows one that starts', async () => {
    const { page, errors } = await open(`${ui.url}/#/experiments/${experimentId}`);
    await page.waitForFunction(() => document.querySelector('.table-status')?.textContent === '4 runs');
    const searches: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('runs/search')) searches.push(String(JSON.parse(request.postData() ?? '{}').filter));
    });
    await run('late-comer', {}, { score: 5 });
    await page.waitForFunction(() => document.querySelector('.table-status')?.textContent === '5 runs', null, { timeout: 25_000 });
    // The first request after the load was the cheap check for runs started since the newest one.
    expect(searches[0]).toMatch(/^attributes\.start_time >= \d+$/);
    expect(errors).toEqual([]);
    await page.close();
  }, 40_000);
});
