// The web UI in a real browser (Debian's Chromium, driven by playwright-core) against a real
// `mlproject ui` process over a real SQLite store, with runs logged through the REST API as the
// `mlflow` client logs them. Screenshots go to test-artifacts/ui/.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logRun, shots, startUi, type UiServer, noChromium } from './browser-helpers.js';

let url = '';
let server: UiServer | undefined;
let browser: Browser | undefined;

describe.skipIf(noChromium !== '')(`web UI in Chromium${noChromium}`, () => {
  beforeAll(async () => {
    server = await startUi();
    url = server.url;
    await logRun(url, 'red-fox', 0.1, 'numpy==2.1.0\nscikit-learn==1.5.2\n');
    await logRun(url, 'blue-owl', 0.5, 'numpy==2.1.0\nscikit-learn==1.6.0\n');
    await logRun(url, 'green-eel', 0.9);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the runs, shows the server\'s message for a bad filter, and opens a run with its logs and chart', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'Default' }).click();
    await page.waitForSelector('.runs-spacer .row');
    const names = await page.$$eval('.runs-spacer .row .cell:nth-child(2)', (cells) => cells.map((c) => c.textContent));
    expect(names.sort()).toEqual(['blue-owl', 'green-eel', 'red-fox']);
    expect(await page.textContent('.row.head')).toContain('rmse');
    await page.screenshot({ path: path.join(shots, 'runs.png') });

    await page.fill('input.filter', 'metrics.rmse <<< 1');
    await page.press('input.filter', 'Enter');
    const error = await page.waitForSelector('.error');
    expect(await error.textContent()).toMatch(/^Bad filter: /);
    expect(page.url()).toContain('filter=metrics.rmse');

    await page.fill('input.filter', 'params.alpha = \'0.5\'');
    await page.press('input.filter', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('.runs-spacer .row').length === 1);
    await page.click('.runs-spacer .row');
    await page.waitForSelector('pre[data-log="stdout"]');
    expect(await page.textContent('pre[data-log="stdout"]')).toContain('training blue-owl');
    await page.waitForSelector('.chart .uplot canvas');
    expect(await page.textContent('h1')).toBe('blue-owl');
    await page.screenshot({ path: path.join(shots, 'run.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
  it('selects two runs, compares them with the differing alpha row marked, overlays their metric and diffs their locks', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${url}/#/experiments/0`);
    await page.waitForSelector('.runs-spacer .row');
    expect(await page.isDisabled('.compare-button')).toBe(true);
    await page.check('input.select-run[aria-label="select red-fox"]');
    await page.check('input.select-run[aria-label="select blue-owl"]');
    expect(page.url()).toContain('#/experiments/0');
    await page.click('.compare-button');
    await page.waitForSelector('table.compare tr[data-key="alpha"]');
    expect(page.url()).toMatch(/#\/compare\?runs=[0-9a-f]+%2C[0-9a-f]+/);
    expect(await page.getAttribute('table.compare tr[data-key="alpha"]', 'class')).toContain('diff');
    await page.waitForSelector('.chart .uplot canvas');
    await page.waitForSelector('.diff-lines .removed');
    expect(await page.textContent('.diff-lines .removed')).toContain('scikit-learn==1.5.2');
    expect(await page.textContent('.diff-lines .added')).toContain('scikit-learn==1.6.0');

    // The URL alone rebuilds the page, with the chart options it holds.
    const shared = `${page.url()}&x=time&log=1&smooth=0.5`;
    const cold = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    cold.on('pageerror', (error) => errors.push(error.message));
    await cold.goto(shared);
    await cold.waitForSelector('.chart .uplot canvas');
    expect(await cold.isChecked('input.log-y')).toBe(true);
    expect(await cold.inputValue('select.x-axis')).toBe('time');
    expect(await cold.inputValue('input.smoothing')).toBe('0.5');
    await cold.close();

    await page.screenshot({ path: path.join(shots, 'compare.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('hides a column chosen in the Columns menu and remembers it for the experiment', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/#/experiments/0`);
    await page.waitForSelector('.runs-spacer .row');
    expect(await page.textContent('.row.head')).toContain('alpha');
    await page.click('.column-chooser summary');
    await page.uncheck('.column-chooser input[data-column="param:alpha"]');
    expect(await page.textContent('.row.head')).not.toContain('alpha');
    await page.reload();
    await page.waitForSelector('.runs-spacer .row');
    expect(await page.textContent('.row.head')).not.toContain('alpha');
    expect(await page.textContent('.row.head')).toContain('rmse');
    await page.evaluate(() => localStorage.clear());
  });
});
