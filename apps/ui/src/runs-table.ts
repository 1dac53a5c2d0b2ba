// The runs table of one experiment: filter box (MLflow search syntax; the server's message on a
// bad filter), sortable headers (sorting is done by the server's order_by), rows virtualised with
// @tanstack/virtual-core so only the visible rows are in the DOM, run selection for Compare (kept in
// the URL), a scatter of one column against another, and a live refresh every few seconds.
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { ApiError, getExperiment, searchRuns, type Run } from './api.js';
import { columnsFor, hiddenColumns, saveHiddenColumns, type Column } from './columns.js';
import { errorBox, h } from './dom.js';
import { DEFAULT_CHART } from './chart-options.js';
import { DEFAULT_ORDER, formatRoute, type Route, type Scatter } from './route.js';
import { renderScatter } from './scatter.js';

const ROW_HEIGHT = 28;
/** px of the selection checkbox column. */
const SELECT_WIDTH = 32;
/** Runs in the first `runs/search` page (shown at once), then in each further page. */
const FIRST_PAGE = 100;
const PAGE = 1000;
/** Stop paging after this many runs; the filter narrows further. */
const MAX_RUNS = 50_000;
/** ms between refreshes while a loaded run is RUNNING (its status, metrics; new runs added). */
const REFRESH_MS = 5000;
/** ms between checks for new runs while none is RUNNING; after failures the wait doubles up to 30 s. */
const IDLE_REFRESH_MS = 10_000;
/** Run IDs per `attributes.run_id IN (...)` query of a refresh. */
const ID_CHUNK = 100;

type RunsRoute = Extract<Route, { page: 'runs' }>;

/** The header row; `current` gives the route at click time (selection and scatter change without a re-render). */
function header(columns: Column[], current: () => RunsRoute, template: string): HTMLElement {
  const route = current();
  const [orderKey = '', direction = 'DESC'] = route.order.split(/\s+(?=ASC$|DESC$)/i);
  return h('div', { class: 'row head', role: 'row', style: `grid-template-columns:${template}` }, h('div', { class: 'cell select', role: 'columnheader', 'aria-label': 'select' }), ...columns.map((col) => {
    if (col.order === '') return h('div', { class: 'cell', role: 'columnheader', 'data-column': col.id, title: `${col.label} (not sortable by the server)` }, col.label);
    const active = col.order === orderKey;
    const next = active && direction.toUpperCase() === 'DESC' ? 'ASC' : 'DESC';
    const link = h('a', { href: formatRoute({ ...route, order: `${col.order} ${next}` }), title: `sort by ${col.label}`, onclick: (event: Event) => {
      event.preventDefault();
      location.hash = formatRoute({ ...current(), order: `${col.order} ${next}` });
    } }, col.label);
    const sort = active ? (direction.toUpperCase() === 'DESC' ? 'descending' : 'ascending') : 'none';
    return h('div', { class: `cell${active ? ' sorted' : ''}`, role: 'columnheader', 'aria-sort': sort, 'data-column': col.id }, link, active ? (direction.toUpperCase() === 'DESC' ? ' ▼' : ' ▲') : '');
  }));
}

/**
 * One run's row: a checkbox (selection), the name as a link to the run, one cell per column; a click
 * elsewhere on the row opens the run too.
 */
function row(run: Run, columns: Column[], template: string, selected: Set<string>, onSelect: () => void): HTMLElement {
  const href = formatRoute({ page: 'run', runId: run.info.run_id, chart: DEFAULT_CHART });
  const el = h('div', { class: `row status-${run.info.status.toLowerCase()}`, role: 'row', style: `grid-template-columns:${template}` });
  el.addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    if (target.closest('a, input, label') === null) location.hash = href;
  });
  const box = h('input', { type: 'checkbox', class: 'select-run', 'aria-label': `select ${run.info.run_name ?? run.info.run_id}`, 'data-run-id': run.info.run_id });
  box.checked = selected.has(run.info.run_id);
  box.addEventListener('change', () => {
    if (box.checked) selected.add(run.info.run_id);
    else selected.delete(run.info.run_id);
    onSelect();
  });
  el.append(h('div', { class: 'cell select', role: 'cell' }, box));
  for (const col of columns) {
    const value = col.cell(run);
    const content = col.id === 'name' ? h('a', { href }, value || run.info.run_id) : value;
    el.append(h('div', { class: 'cell', role: 'cell', title: value, 'data-column': col.id }, content));
  }
  return el;
}

/** A drop-down of checkboxes, one per param/metric column; unticking hides the column. */
function columnChooser(all: Column[], hidden: Set<string>, change: () => void): HTMLDetailsElement {
  const choices = all.filter((c) => c.id.startsWith('param:') || c.id.startsWith('metric:')).map((col) => {
    const box = h('input', { type: 'checkbox', 'data-column': col.id });
    box.checked = !hidden.has(col.id);
    box.addEventListener('change', () => {
      if (box.checked) hidden.delete(col.id);
      else hidden.add(col.id);
      change();
    });
    return h('label', {}, box, ` ${col.id.startsWith('param:') ? 'param' : 'metric'} ${col.label}`);
  });
  return h('details', { class: 'column-chooser' }, h('summary', {}, 'Columns'),
    choices.length > 0 ? h('div', { class: 'column-choices' }, ...choices) : h('p', { class: 'muted' }, 'No param or metric columns.'));
}

/** `filter and extra`, or `extra` alone (MLflow's grammar only joins with `and`). */
const narrowed = (filter: string, extra: string): string => (filter.trim() === '' ? extra : `${filter} and ${extra}`);

/** The scatter panel's two column pickers (x: any param or metric column, y: a metric column). */
function scatterPickers(all: Column[], scatter: Scatter | undefined, change: (next: Scatter) => void): HTMLElement {
  const choices = all.filter((c) => c.id.startsWith('param:') || c.id.startsWith('metric:'));
  const picker = (name: string, options: Column[], value: string | undefined): HTMLSelectElement => {
    const select = h('select', { 'aria-label': `scatter ${name}`, class: `scatter-${name}` },
      ...options.map((c) => h('option', { value: c.id }, `${c.id.startsWith('param:') ? 'param' : 'metric'} ${c.label}`)));
    if (value !== undefined && options.some((c) => c.id === value)) select.value = value;
    return select;
  };
  const metricsOnly = choices.filter((c) => c.id.startsWith('metric:'));
  const x = picker('x', choices, scatter?.x ?? choices.find((c) => c.id.startsWith('param:'))?.id);
  const y = picker('y', metricsOnly, scatter?.y);
  const changed = (): void => change({ x: x.value, y: y.value });
  x.addEventListener('change', changed);
  y.addEventListener('change', changed);
  return h('div', { class: 'scatter-pickers' }, h('label', {}, 'x: ', x), h('label', {}, 'y: ', y));
}

/** Renders the runs page into `root`; returns a function that stops its timers and observers. */
export function renderRunsTable(root: HTMLElement, initial: RunsRoute): () => void {
  // The URL follows selection and scatter changes without re-rendering (history.replaceState).
  let route: RunsRoute = { ...initial };
  const remember = (next: Partial<RunsRoute>): void => {
    route = { ...route, ...next };
    history.replaceState(history.state, '', formatRoute(route));
  };
  const input = h('input', { type: 'search', class: 'filter', placeholder: "metrics.rmse < 1 and params.alpha = '0.5'", 'aria-label': 'filter runs' });
  input.value = route.filter;
  const form = h('form', { class: 'filter-bar', onsubmit: (event: Event) => {
    event.preventDefault();
    location.hash = formatRoute({ ...route, filter: input.value.trim() });
  } }, input, h('button', { type: 'submit' }, 'Search'));
  const selected = new Set<string>(route.selected ?? []);
  const compare = h('button', { type: 'button', class: 'compare-button', onclick: () => {
    location.hash = formatRoute({ page: 'compare', runIds: [...selected], chart: DEFAULT_CHART });
  } }, 'Compare');
  const updateCompare = (): void => {
    remember({ selected: [...selected] });
    compare.textContent = `Compare${selected.size > 0 ? ` (${selected.size})` : ''}`;
    compare.toggleAttribute('disabled', selected.size < 2);
  };
  compare.textContent = `Compare${selected.size > 0 ? ` (${selected.size})` : ''}`;
  compare.toggleAttribute('disabled', selected.size < 2);
  const hidden = hiddenColumns(route.experimentId);
  const chooserBox = h('span', {});
  form.append(compare, chooserBox);
  const status = h('div', { class: 'table-status' });
  const table = h('div', { class: 'runs-table', role: 'table' });
  const scroller = h('div', { class: 'runs-scroll' });
  // The header sits outside the scroll box (a sticky row inside it made every scroll frame repaint
  // the box in software rendering) and follows its sideways scroll.
  const headBox = h('div', { class: 'runs-head' });
  scroller.addEventListener('scroll', () => { headBox.scrollLeft = scroller.scrollLeft; }, { passive: true });
  const spacer = h('div', { class: 'runs-spacer' });
  scroller.append(spacer);
  const title = h('h1', {}, `Experiment ${route.experimentId}`);
  const scatterBox = h('div', { class: 'scatter' });
  const pickersBox = h('span', {});
  const scatterPanel = h('details', { class: 'panel scatter-panel', ontoggle: () => {
    if (scatterPanel.open && route.scatter === undefined) drawScatter();
    if (!scatterPanel.open) { freeScatter(); remember({ scatter: undefined }); }
  } }, h('summary', {}, 'Scatter plot'), pickersBox, scatterBox);
  scatterPanel.open = route.scatter !== undefined;
  root.replaceChildren(title, form, scatterPanel, status, table);
  void getExperiment(route.experimentId).then((e) => {
    title.textContent = e.name;
    document.title = `${e.name} · mlproject`;
  }, (error: unknown) => {
    if (controller.signal.aborted || !(error instanceof ApiError) || (error.code !== 'RESOURCE_DOES_NOT_EXIST' && error.code !== 'INVALID_PARAMETER_VALUE')) return;
    stop();
    root.replaceChildren(title, errorBox(new Error(`No experiment with ID '${route.experimentId}': ${error.message}`)),
      h('p', {}, h('a', { href: formatRoute({ page: 'experiments' }) }, 'All experiments')));
  });

  let runs: Run[] = [];
  let columns: Column[] = [];
  let template = '';
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let freeScatter = (): void => {};
  let columnIds = '';

  const virtualizer = new Virtualizer<HTMLDivElement, HTMLElement>({
    count: 0, getScrollElement: () => scroller, estimateSize: () => ROW_HEIGHT, overscan: 10,
    scrollToFn: elementScroll, observeElementRect, observeElementOffset,
    onChange: () => paint(),
  });
  const cleanupVirtualizer = virtualizer._didMount();

  // Row elements by run index, reused while they stay in view (scrolling re-creates only the rows
  // that come into view); emptied whenever the runs or the columns change.
  let painted = new Map<number, HTMLElement>();
  function paint(): void {
    spacer.style.height = `${virtualizer.getTotalSize()}px`;
    const next = new Map<number, HTMLElement>();
    for (const item of virtualizer.getVirtualItems()) {
      let el = painted.get(item.index);
      if (el === undefined) {
        el = row(runs[item.index] as Run, columns, template, selected, updateCompare);
        el.dataset['index'] = String(item.index);
      }
      el.style.transform = `translateY(${item.start}px)`;
      next.set(item.index, el);
    }
    for (const [index, el] of painted) if (!next.has(index)) el.remove();
    for (const el of next.values()) if (el.parentNode !== spacer) spacer.append(el);
    painted = next;
  }
  const repaint = (): void => {
    for (const el of painted.values()) el.remove();
    painted = new Map();
    paint();
  };

  /** (Re)draws the scatter for the loaded runs; without a choice in the URL, the pickers' first pair. */
  function drawScatter(): void {
    if (!scatterPanel.open) return;
    const all = columnsFor(runs);
    const pickers = scatterPickers(all, route.scatter, (next) => { remember({ scatter: next }); drawScatter(); });
    pickersBox.replaceChildren(pickers);
    const [x, y] = [...pickers.querySelectorAll('select')].map((s) => s.value);
    freeScatter();
    freeScatter = () => {};
    if (!x || !y) {
      scatterBox.replaceChildren(h('p', { class: 'muted' }, 'No param or metric to plot.'));
      return;
    }
    if (route.scatter?.x !== x || route.scatter.y !== y) remember({ scatter: { x, y } });
    freeScatter = renderScatter(scatterBox, runs, { x, y }, (run) => {
      location.hash = formatRoute({ page: 'run', runId: run.info.run_id, chart: DEFAULT_CHART });
    });
  }

  function layout(): void {
    const all = columnsFor(runs);
    columnIds = all.map((c) => c.id).join('\n');
    columns = all.filter((c) => !hidden.has(c.id));
    template = [SELECT_WIDTH, ...columns.map((c) => c.width)].map((w) => `${w}px`).join(' ');
    const wasOpen = chooserBox.querySelector('details')?.open ?? false;
    const chooser = columnChooser(all, hidden, () => {
      saveHiddenColumns(route.experimentId, hidden);
      layout();
    });
    chooser.open = wasOpen;
    chooserBox.replaceChildren(chooser);
    const width = `${columns.reduce((sum, c) => sum + c.width, SELECT_WIDTH)}px`;
    const head = header(columns, () => route, template);
    // Wider than the rows by a scrollbar, so it can follow the rows' scroll to their right end.
    head.style.width = `calc(${width} + 20px)`;
    headBox.replaceChildren(head);
    headBox.scrollLeft = scroller.scrollLeft;
    if (scroller.parentNode !== table) table.append(headBox, scroller);
    spacer.style.width = width;
    virtualizer.setOptions({ ...virtualizer.options, count: runs.length });
    virtualizer._willUpdate();
    repaint();
  }

  /** After a refresh: repaint the rows in place (keeping the scroll), or lay out again when columns changed. */
  function update(): void {
    if (columnsFor(runs).map((c) => c.id).join('\n') !== columnIds) layout();
    else {
      virtualizer.setOptions({ ...virtualizer.options, count: runs.length });
      virtualizer._willUpdate();
      repaint();
    }
    drawScatter();
  }

  async function load(): Promise<void> {
    const loaded: Run[] = [];
    let token: string | undefined;
    status.textContent = 'Loading…';
    do {
      const page = await searchRuns({
        experimentIds: [route.experimentId], filter: route.filter, orderBy: [route.order], maxResults: loaded.length === 0 ? FIRST_PAGE : PAGE, ...(token ? { pageToken: token } : {}),
      }, controller.signal);
      loaded.push(...page.runs);
      token = page.nextPageToken;
      if (runs.length === 0 || token === undefined) {
        runs = loaded;
        layout();
      }
    } while (token !== undefined && loaded.length < MAX_RUNS);
    runs = loaded;
    layout();
    drawScatter();
    truncated = token !== undefined;
    showCount();
    schedule();
  }

  let truncated = false;
  function showCount(): void {
    status.textContent = `${runs.length} run${runs.length === 1 ? '' : 's'}${truncated ? ` (first ${MAX_RUNS}; narrow the filter)` : ''}`;
  }

  /** Refresh failures in a row: the wait doubles with each (up to 30 s) and the table stays as it was. */
  let failures = 0;
  function schedule(): void {
    if (controller.signal.aborted) return;
    const running = runs.some((r) => r.info.status === 'RUNNING');
    const delay = failures > 0 ? Math.min(30_000, REFRESH_MS * 2 ** failures) : running ? REFRESH_MS : IDLE_REFRESH_MS;
    timer = setTimeout(() => {
      void refresh().then(() => {
        if (failures > 0) {
          failures = 0;
          showCount();
        }
      }, (error: unknown) => {
        if (controller.signal.aborted) return;
        failures += 1;
        status.replaceChildren(errorBox(new Error(`Could not refresh (retrying): ${error instanceof Error ? error.message : String(error)}`)));
        schedule();
      });
    }, delay);
  }

  /**
   * The live refresh. A table of at most one page is read again whole (one `runs/search`, so new,
   * changed and removed runs all show, in the server's order). A bigger one stays cheap however many
   * runs it holds: its RUNNING runs are read again (`attributes.run_id IN (...)` under the same
   * filter; one that no longer matches leaves the table) and runs started since the newest loaded
   * one (less a minute, for clocks a little behind) are added at the top. Rows are repainted in place,
   * so the scroll position and the selection stay. Skipped while the page is hidden.
   */
  async function refresh(): Promise<void> {
    if (document.visibilityState === 'hidden') return schedule();
    const query = { experimentIds: [route.experimentId], orderBy: [route.order] };
    const newest = runs.reduce((max, r) => Math.max(max, Number(r.info.start_time ?? 0)), 0);
    const known = new Set(runs.map((r) => r.info.run_id));
    const since = `attributes.start_time >= ${Math.max(0, newest - 60_000)}`;
    if (!runs.some((r) => r.info.status === 'RUNNING')) {
      // Nothing is RUNNING: only look for runs started since the newest one.
      const recent = await searchRuns({ ...query, filter: narrowed(route.filter, since), maxResults: FIRST_PAGE }, controller.signal);
      if (!recent.runs.some((r) => !known.has(r.info.run_id))) return schedule();
    }
    let next: Run[];
    if (!truncated && runs.length <= PAGE) {
      const page = await searchRuns({ ...query, filter: route.filter, maxResults: PAGE }, controller.signal);
      if (page.nextPageToken !== undefined) return load();
      next = page.runs;
    } else {
      const running = runs.filter((r) => r.info.status === 'RUNNING').map((r) => r.info.run_id);
      const reread = new Map<string, Run | null>();
      for (let i = 0; i < running.length; i += ID_CHUNK) {
        const ids = running.slice(i, i + ID_CHUNK);
        const page = await searchRuns({ ...query, filter: narrowed(route.filter, `attributes.run_id IN (${ids.map((id) => `'${id}'`).join(', ')})`), maxResults: ID_CHUNK }, controller.signal);
        for (const id of ids) reread.set(id, null);
        for (const run of page.runs) reread.set(run.info.run_id, run);
      }
      const recent = await searchRuns({ ...query, filter: narrowed(route.filter, since), maxResults: PAGE }, controller.signal);
      next = [...recent.runs.filter((r) => !known.has(r.info.run_id)), ...runs.flatMap((r) => {
        const again = reread.get(r.info.run_id);
        return again === undefined ? [r] : again === null ? [] : [again];
      })];
    }
    if (controller.signal.aborted) return;
    if (JSON.stringify(next) !== JSON.stringify(runs)) {
      runs = next;
      update();
      showCount();
    }
    schedule();
  }

  /** A failed first load: the server's message, named for what the user typed (filter or sort order). */
  function fail(error: unknown): void {
    if (controller.signal.aborted) return;
    runs = [];
    layout();
    if (error instanceof ApiError && error.code === 'INVALID_PARAMETER_VALUE') {
      const orderIsBad = route.order !== DEFAULT_ORDER && /order/i.test(error.message);
      if (orderIsBad) {
        status.replaceChildren(errorBox(new Error(`Bad sort order '${route.order}': ${error.message}`)),
          h('a', { href: formatRoute({ ...route, order: DEFAULT_ORDER }) }, 'Sort by start time instead'));
        return;
      }
      if (route.filter.trim() !== '') return void status.replaceChildren(errorBox(new Error(`Bad filter: ${error.message}`)));
    }
    status.replaceChildren(errorBox(error));
  }

  function stop(): void {
    controller.abort();
    if (timer !== undefined) clearTimeout(timer);
  }

  document.title = `Experiment ${route.experimentId} · mlproject`;
  void load().catch(fail);
  return () => {
    controller.abort();
    if (timer !== undefined) clearTimeout(timer);
    freeScatter();
    cleanupVirtualizer();
  };
}
