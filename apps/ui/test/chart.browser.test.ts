// Metric charts in a real Chromium against a real `mlproject ui`: a history with NaN and Infinity
// is drawn with gaps (run page and compare overlay, with and without smoothing); chart options
// redraw in place (no scroll jump, no lost focus, no history entry, the URL replaced and restoring
// the chart on a cold load); a chart with nothing to draw says why in one line.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, launchChromium, startUi, type UiServer, noChromium } from './browser-helpers.js';

let ui: UiServer | undefined;
let browser: Browser | undefined;
let url = '';
let gappy = '';
let plain = '';

/** A run with `loss` = `values` at steps 0.. and `neg` = -1, 0, -0.5 (nothing above 0); returns its ID. */
async function logRun(name: string, values: (number | string)[]): Promise<string> {
  const { run } = await api(url, 'POST', 'runs/create', { experiment_id: '0', run_name: name, start_time: Date.now() - 60_000 });
  const runId: string = run.info.run_id;
  const t = Date.now();
  await api(url, 'POST', 'runs/log-batch', {
    run_id: runId,
    metrics: [
      ...values.map((value, step) => ({ key: 'loss', value, timestamp: t + step, step })),
      ...[-1, 0, -0.5].map((value, step) => ({ key: 'neg', value, timestamp: t + step, step })),
    ],
    // A long page: the chart controls are well below the first screen.
    params: Array.from({ length: 40 }, (_, i) => ({ key: `p${String(i).padStart(2, '0')}`, value: String(i) })),
  });
  await api(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  return runId;
}

/** Pixels of the chart's canvas within 60 of `rgb` on each channel (uPlot draws series 1 in #2a6fdb, 2 in #d9480f). */
function pixelsOf(page: Page, rgb: [number, number, number]): Promise<number> {
  return page.$eval('.chart .uplot canvas', (canvas, colour) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] ?? 0) > 0 && colour.every((v, k) => Math.abs((data[i + k] ?? 0) - v) < 60)) n += 1;
    }
    return n;
  }, rgb);
}
const BLUE: [number, number, number] = [42, 111, 219];
const ORANGE: [number, number, number] = [217, 72, 15];

async function yScale(page: Page): Promise<[number, number]> {
  await page.waitForSelector('.chart[data-state="drawn"][data-y-min]');
  const [min, max] = await page.$eval('.chart', (el) => [Number((el as HTMLElement).dataset['yMin']), Number((el as HTMLElement).dataset['yMax'])]);
  return [min as number, max as number];
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

describe.skipIf(noChromium !== '')(`metric charts in Chromium${noChromium}`, () => {
  beforeAll(async () => {
    ui = await startUi();
    url = ui.url;
    gappy = await logRun('gappy-newt', [1, 0.8, 'NaN', 0.5, 'Infinity', 0.3]);
    plain = await logRun('plain-newt', [0.9, 0.7, 0.6, 0.4, 0.35, 0.2]);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
  });

  it('draws a history with NaN and Infinity as a line with gaps, smoothed or not, alone or overlaid', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    for (const smooth of ['', '&smooth=0.6']) {
      await page.goto(`${url}/#/runs/${gappy}?metric=loss${smooth}`);
      const [min, max] = await yScale(page);
      expect(Number.isFinite(min) && Number.isFinite(max), `y scale ${min}..${max}`).toBe(true);
      // Raw: 0.3 to 1. Smoothed (0.6): the average moves over the finite values only, ~0.45 to 1.
      expect(min).toBeLessThanOrEqual(smooth ? 0.5 : 0.3);
      expect(max).toBeGreaterThanOrEqual(1);
      expect(await pixelsOf(page, BLUE)).toBeGreaterThan(30);
      await page.goto(`${url}/#/`);
      await page.waitForSelector('h1');
    }
    await page.goto(`${url}/#/compare?runs=${gappy},${plain}&metric=loss&smooth=0.3`);
    const [min, max] = await yScale(page);
    expect(Number.isFinite(min) && Number.isFinite(max)).toBe(true);
    expect(await pixelsOf(page, BLUE)).toBeGreaterThan(30);
    expect(await pixelsOf(page, ORANGE)).toBeGreaterThan(30);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('changes chart options in place on the run page: scroll, focus and history stay, the URL is replaced and restores the chart', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 600 } });
    const errors = watchErrors(page);
    await page.goto(`${url}/#/runs/${plain}`);
    await page.waitForSelector('.chart[data-state="drawn"]');
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 1; });
    await page.locator('.chart-controls').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 50));
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(100);
    const entries = await page.evaluate(() => history.length);

    await page.check('input.log-y');
    await page.waitForFunction(() => location.hash.includes('log=1'));
    expect(page.url()).toBe(`${url}/#/runs/${plain}?metric=loss&log=1`);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(await page.evaluate(() => history.length)).toBe(entries);
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.chart')?.dataset['yMin']) > 0);

    // The keyboard on the slider: each step redraws, the slider keeps the focus.
    await page.focus('input.smoothing');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash.includes('smooth=0.01'));
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash.includes('smooth=0.02'));
    expect(await page.evaluate(() => document.activeElement?.classList.contains('smoothing'))).toBe(true);
    expect(await page.textContent('.smoothing-value')).toBe('0.02');

    // A second metric, and a metric link in the table: the same page, the chart follows.
    await page.check('input[data-metric="neg"]');
    await page.waitForFunction(() => location.hash.includes('metric=loss&metric=neg'));
    expect(await page.textContent('.chart .u-title')).toBe('loss, neg');
    await page.selectOption('select.x-axis', 'time');
    await page.waitForFunction(() => location.hash.includes('x=time'));
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(await page.evaluate(() => history.length)).toBe(entries);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    const shared = page.url();
    expect(shared).toBe(`${url}/#/runs/${plain}?metric=loss&metric=neg&x=time&log=1&smooth=0.02`);
    // A metric's link in the table charts it alone, the other terms kept, in place too.
    expect(await page.getAttribute('a[data-metric-link="loss"]', 'href')).toBe(`#/runs/${plain}?metric=loss&x=time&log=1&smooth=0.02`);
    await page.click('a[data-metric-link="loss"]');
    await page.waitForFunction(() => !location.hash.includes('metric=neg'));
    expect(page.url()).toBe(`${url}/#/runs/${plain}?metric=loss&x=time&log=1&smooth=0.02`);
    expect(await page.isChecked('input[data-metric="neg"]')).toBe(false);
    expect(await page.textContent('.chart .u-title')).toBe('loss');
    expect(await page.evaluate(() => history.length)).toBe(entries);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

    const cold = await browser!.newPage({ viewport: { width: 1280, height: 600 } });
    await cold.goto(shared);
    await cold.waitForSelector('.chart[data-state="drawn"]');
    expect(await cold.isChecked('input.log-y')).toBe(true);
    expect(await cold.isChecked('input[data-metric="neg"]')).toBe(true);
    expect(await cold.inputValue('select.x-axis')).toBe('time');
    expect(await cold.inputValue('input.smoothing')).toBe('0.02');
    await cold.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('changes chart options in place on the compare page', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 500 } });
    const errors = watchErrors(page);
    await page.goto(`${url}/#/compare?runs=${gappy},${plain}`);
    await page.waitForSelector('.chart[data-state="drawn"]');
    expect(await page.title()).toBe('Compare 2 runs');
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 1; });
    await page.locator('input.log-y').scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(0);
    const entries = await page.evaluate(() => history.length);
    await page.check('input.log-y');
    await page.waitForFunction(() => location.hash.includes('log=1'));
    await page.focus('input.smoothing');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash.includes('smooth=0.02'));
    expect(page.url()).toBe(`${url}/#/compare?runs=${gappy}%2C${plain}&metric=loss&log=1&smooth=0.02`);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(await page.evaluate(() => history.length)).toBe(entries);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says why a chart is empty: an unknown metric, nothing above 0 on a log scale', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${url}/#/runs/${plain}?metric=does_not_exist`);
    await page.waitForSelector('.chart[data-state="empty"]');
    expect(await page.textContent('.chart .chart-empty')).toBe('No points logged for does_not_exist.');
    expect(await page.$('.chart .uplot')).toBeNull();

    await page.goto(`${url}/#/runs/${plain}?metric=neg&log=1`);
    await page.waitForSelector('.chart[data-state="empty"]');
    expect(await page.textContent('.chart .chart-empty')).toBe('Nothing to draw on a log scale: no value of neg is above 0. Untick log y to see them.');
    // Unticking log y draws it.
    await page.uncheck('input.log-y');
    await page.waitForSelector('.chart[data-state="drawn"] .uplot canvas');
    expect(await page.$('.chart .chart-empty')).toBeNull();
    // Unticking every metric: a hint, not an empty frame.
    await page.uncheck('input[data-metric="neg"]');
    await page.waitForSelector('.chart[data-state="empty"]');
    expect(await page.textContent('.chart .chart-empty')).toBe('Tick a metric to chart its history.');
    expect(errors).toEqual([]);
    await page.close();
  });
});
