// The runs table of one experiment: filter box (MLflow search syntax; the server's message on a
// bad filter), sortable headers (sorting is done by the server's order_by), rows virtualised with
// @tanstack/virtual-core so only the visible rows are in the DOM, run selection for Compare (kept in
// the URL), a scatter of one column against another, and a live refresh every few seconds.
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { ApiError, getExperiment, searchRuns, type Run } from './api.js';
import { columnsFor, hiddenColumns, saveHiddenColumns, type Column } from './columns.js';
import { errorBox, h } from './dom.js';
import { DEFAULT_CHART } from './chart-options.js';
import { formatRoute, type Route, type Scatter } from './route.js';
import { renderScatter } from './scatter.js';

const ROW_HEIGHT = 28;
/** px of the selection checkbox column. */
const SELECT_WIDTH = 32;
/** Runs in the first `runs/search` page (shown at once), then in each further page. */
const FIRST_PAGE = 100;
const PAGE = 1000;
/** Stop paging after this many runs; the filter narrows further. */
const MAX_RUNS = 50_000;
/** ms between refreshes (RUNNING runs re-read, new runs added) while the page is visible. */
const REFRESH_MS = 5000;
/** Run IDs per `attributes.run_id IN (...)` query of a refresh. */
const ID_CHUNK = 100;

type RunsRoute = Extract<Route, { page: 'runs' }>;

/** The header row; `current` gives the route at click time (selection and scatter change without a re-render). */
function header(columns: Column[], current: () => RunsRoute, template: string): HTMLElement {
  const route = current();
  const [orderKey = '', direction = 'DESC'] = route.order.split(/\s+(?=ASC$|DESC$)/i);
  return h('div', { class: 'row head', style: `grid-template-columns:${template}` }, h('div', { class: 'cell select' }), ...columns.map((col) => {
    const active = col.order === orderKey;
    const next = active && direction.toUpperCase() === 'DESC' ? 'ASC' : 'DESC';
    const link = h('a', { href: formatRoute({ ...route, order: `${col.order} ${next}` }), title: `sort by ${col.label}`, onclick: (event: Event) => {
      event.preventDefault();
      location.hash = formatRoute({ ...current(), order: `${col.order} ${next}` });
    } }, col.label);
    return h('div', { class: `cell${active ? ' sorted' : ''}`, 'data-column': col.id }, link, active ? (direction.toUpperCase() === 'DESC' ? ' ▼' : ' ▲') : '');
  }));
}

function row(run: Run, columns: Column[], template: string, selected: Set<string>, onSelect: () => void): HTMLElement {
  const el = h('a', { class: `row status-${run.info.status.toLowerCase()}`, href: formatRoute({ page: 'run', runId: run.info.run_id, chart: DEFAULT_CHART }), style: `grid-template-columns:${template}` });
  const box = h('input', { type: 'checkbox', class: 'select-run', 'aria-label': `select ${run.info.run_name ?? run.info.run_id}`, 'data-run-id': run.info.run_id });
  box.checked = selected.has(run.info.run_id);
  // The checkbox sits inside the row's link: toggling it must not open the run.
  box.addEventListener('click', (event) => event.stopPropagation());
  box.addEventListener('change', () => {
    if (box.checked) selected.add(run.info.run_id);
    else selected.delete(run.info.run_id);
    onSelect();
  });
  el.append(h('div', { class: 'cell select' }, box));
  for (const col of columns) {
    const value = col.cell(run);
    el.append(h('div', { class: 'cell', title: value, 'data-column': col.id }, value));
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
  void getExperiment(route.experimentId).then((e) => { title.textContent = e.name; }, () => {});

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
    table.replaceChildren(header(columns, () => route, template), scroller);
    spacer.style.width = `${columns.reduce((sum, c) => sum + c.width, SELECT_WIDTH)}px`;
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

  function schedule(): void {
    if (!controller.signal.aborted) timer = setTimeout(() => void refresh().catch(fail), REFRESH_MS);
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
      const newest = runs.reduce((max, r) => Math.max(max, Number(r.info.start_time ?? 0)), 0);
      const known = new Set(runs.map((r) => r.info.run_id));
      const recent = await searchRuns({ ...query, filter: narrowed(route.filter, `attributes.start_time >= ${Math.max(0, newest - 60_000)}`), maxResults: PAGE }, controller.signal);
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

  function fail(error: unknown): void {
    if (controller.signal.aborted) return;
    status.replaceChildren(errorBox(error instanceof ApiError && error.code === 'INVALID_PARAMETER_VALUE' ? new Error(`Bad filter: ${error.message}`) : error));
  }

  void load().catch(fail);
  return () => {
    controller.abort();
    if (timer !== undefined) clearTimeout(timer);
    freeScatter();
    cleanupVirtualizer();
  };
}
