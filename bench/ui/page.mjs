// bench/ui: what both tools' pages share: the browser, the in-page instruments, and reading them back.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../lib.mjs';

export const VIEWPORT = { width: 1280, height: 800 };
/** Screenshots of the first repetition of every measurement, to look at (test-artifacts/ is not committed). */
export const SHOTS = path.join(REPO, 'test-artifacts/bench-ui');

/**
 * Debian's Chromium through playwright-core: headless, no GPU, no background networking; host names
 * other than 127.0.0.1 do not resolve, so neither page can reach past this machine.
 */
export function launch(chromium, executablePath) {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
}

/**
 * The page's instruments, an init script (neither app has a hook for them). `__bench.watch(name,
 * predicate)`: the first time `predicate` holds (checked on every DOM mutation) is recorded as `dom`,
 * and the next animation frame (the frame that shows it) as `painted`. Also: `longtask` entries, the
 * moment the last `metrics/get-history` body was read through `response.text()` (mlproject's UI), the
 * last canvas stroke, and a resource-timing buffer big enough for MLflow's ~100 script chunks.
 */
export const instruments = () => {
  const b = (window.__bench = { at: {}, watches: [], longTasks: [], historyParsed: 0, lastStroke: 0 });
  b.watch = (name, predicate) => b.watches.push({ name, predicate });
  const check = () => {
    for (const w of b.watches) {
      if (b.at[w.name] || !w.predicate()) continue;
      const dom = performance.now();
      b.at[w.name] = { dom };
      requestAnimationFrame(() => { b.at[w.name].painted = performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
  } catch {}
  performance.setResourceTimingBufferSize(5000);
  const origFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await origFetch(...args);
    if (String(args[0]).includes('metrics/get-history')) {
      const text = response.text.bind(response);
      response.text = async () => { const body = await text(); b.historyParsed = performance.now(); return body; };
    }
    return response;
  };
  const stroke = CanvasRenderingContext2D.prototype.stroke;
  CanvasRenderingContext2D.prototype.stroke = function (...a) { const r = stroke.apply(this, a); b.lastStroke = performance.now(); return r; };
};

/** A fresh context (cold HTTP cache, empty storage) with the instruments and then `scripts` installed. */
export async function freshPage(browser, ...scripts) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(instruments);
  for (const [script, arg] of scripts) await context.addInitScript(script, arg);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Resource-timing entries whose URL matches `pattern` (a regexp source): path+query, ms since navigation. */
export function resources(page, pattern) {
  return page.evaluate((source) => performance.getEntriesByType('resource')
    .filter((e) => new RegExp(source).test(e.name))
    .map((e) => ({ url: e.name.replace(/^https?:\/\/[^/]+/, ''), start: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize })), pattern);
}

/** Waits for `__bench.at[name].painted`; on a timeout prints what the page shows, then throws. */
export async function waitPainted(page, names, timeout = 60_000) {
  await page.waitForFunction((ns) => ns.every((n) => window.__bench.at[n]?.painted), names, { timeout }).catch(async (e) => {
    console.error(await page.evaluate(() => JSON.stringify({ at: window.__bench.at, url: location.href, text: document.body.innerText.slice(0, 1500) })).catch(() => '(page gone)'));
    throw e;
  });
}

/**
 * What a page loaded: its scripts and style sheets (count, bytes over the wire, decoded bytes) and the
 * first `runs/search` request (start and end, ms since navigation).
 */
export function loadSummary(page) {
  return page.evaluate(() => {
    const all = performance.getEntriesByType('resource');
    const code = all.filter((e) => e.initiatorType === 'script' || e.initiatorType === 'link' || /\.(m?js|css)(\?|$)/.test(e.name));
    const search = all.find((e) => e.name.includes('runs/search'));
    return {
      codeFiles: code.length,
      codeBytes: code.reduce((s, e) => s + e.encodedBodySize, 0),
      codeDecodedBytes: code.reduce((s, e) => s + e.decodedBodySize, 0),
      firstSearch: search ? { start: search.startTime, end: search.responseEnd } : null,
    };
  });
}
