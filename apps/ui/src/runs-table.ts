// The runs table of one experiment: filter box (MLflow search syntax; the server's message on a
// bad filter), sortable headers (sorting is done by the server's order_by), and rows virtualised
// with @tanstack/virtual-core so only the visible rows are in the DOM.
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { ApiError, searchRuns, type Run } from './api.js';
import { columnsFor, hiddenColumns, saveHiddenColumns, type Column } from './columns.js';
import { errorBox, h } from './dom.js';
import { DEFAULT_CHART } from './chart-options.js';
import { formatRoute, type Route } from './route.js';

const ROW_HEIGHT = 28;
/** px of the selection checkbox column. */
const SELECT_WIDTH = 32;
const PAGE = 1000;
/** Stop paging after this many runs; the filter narrows further. */
const MAX_RUNS = 50_000;
/** ms between reloads while a loaded run is RUNNING. */
const REFRESH_MS = 5000;

type RunsRoute = Extract<Route, { page: 'runs' }>;

function header(columns: Column[], route: RunsRoute, template: string): HTMLElement {
  const [orderKey = '', direction = 'DESC'] = route.order.split(/\s+(?=ASC$|DESC$)/i);
  return h('div', { class: 'row head', style: `grid-template-columns:${template}` }, h('div', { class: 'cell select' }), ...columns.map((col) => {
    const active = col.order === orderKey;
    const next = active && direction.toUpperCase() === 'DESC' ? 'ASC' : 'DESC';
    const link = h('a', { href: formatRoute({ ...route, order: `${col.order} ${next}` }), title: `sort by ${col.label}` }, col.label);
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
  for (const col of columns) el.append(h('div', { class: 'cell', title: col.cell(run) }, col.cell(run)));
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

/** Renders the runs page into `root`; returns a function that stops its timers and observers. */
export function renderRunsTable(root: HTMLElement, route: RunsRoute): () => void {
  const input = h('input', { type: 'search', class: 'filter', placeholder: "metrics.rmse < 1 and params.alpha = '0.5'", 'aria-label': 'filter runs' });
  input.value = route.filter;
  const form = h('form', { class: 'filter-bar', onsubmit: (event: Event) => {
    event.preventDefault();
    location.hash = formatRoute({ ...route, filter: input.value.trim() });
  } }, input, h('button', { type: 'submit' }, 'Search'));
  const selected = new Set<string>();
  const compare = h('button', { type: 'button', class: 'compare-button', onclick: () => {
    location.hash = formatRoute({ page: 'compare', runIds: [...selected], chart: DEFAULT_CHART });
  } }, 'Compare');
  const updateCompare = (): void => {
    compare.textContent = `Compare${selected.size > 0 ? ` (${selected.size})` : ''}`;
    compare.toggleAttribute('disabled', selected.size < 2);
  };
  updateCompare();
  const hidden = hiddenColumns(route.experimentId);
  const chooserBox = h('span', {});
  form.append(compare, chooserBox);
  const status = h('div', { class: 'table-status' });
  const table = h('div', { class: 'runs-table', role: 'table' });
  const scroller = h('div', { class: 'runs-scroll' });
  const spacer = h('div', { class: 'runs-spacer' });
  scroller.append(spacer);
  root.replaceChildren(form, status, table);

  let runs: Run[] = [];
  let columns: Column[] = [];
  let template = '';
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const virtualizer = new Virtualizer<HTMLDivElement, HTMLElement>({
    count: 0, getScrollElement: () => scroller, estimateSize: () => ROW_HEIGHT, overscan: 10,
    scrollToFn: elementScroll, observeElementRect, observeElementOffset,
    onChange: () => paint(),
  });
  const cleanupVirtualizer = virtualizer._didMount();

  function paint(): void {
    spacer.style.height = `${virtualizer.getTotalSize()}px`;
    spacer.replaceChildren(...virtualizer.getVirtualItems().map((item) => {
      const el = row(runs[item.index] as Run, columns, template, selected, updateCompare);
      el.style.transform = `translateY(${item.start}px)`;
      el.dataset['index'] = String(item.index);
      return el;
    }));
  }

  function layout(): void {
    const all = columnsFor(runs);
    columns = all.filter((c) => !hidden.has(c.id));
    template = [SELECT_WIDTH, ...columns.map((c) => c.width)].map((w) => `${w}px`).join(' ');
    const wasOpen = chooserBox.querySelector('details')?.open ?? false;
    const chooser = columnChooser(all, hidden, () => {
      saveHiddenColumns(route.experimentId, hidden);
      layout();
    });
    chooser.open = wasOpen;
    chooserBox.replaceChildren(chooser);
    table.replaceChildren(header(columns, route, template), scroller);
    spacer.style.width = `${columns.reduce((sum, c) => sum + c.width, SELECT_WIDTH)}px`;
    virtualizer.setOptions({ ...virtualizer.options, count: runs.length });
    virtualizer._willUpdate();
    paint();
  }

  async function load(): Promise<void> {
    const loaded: Run[] = [];
    let token: string | undefined;
    status.textContent = 'Loading…';
    do {
      const page = await searchRuns({
        experimentIds: [route.experimentId], filter: route.filter, orderBy: [route.order], maxResults: PAGE, ...(token ? { pageToken: token } : {}),
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
    status.textContent = `${runs.length} run${runs.length === 1 ? '' : 's'}${token !== undefined ? ` (first ${MAX_RUNS}; narrow the filter)` : ''}`;
    if (runs.some((r) => r.info.status === 'RUNNING')) timer = setTimeout(() => void load().catch(fail), REFRESH_MS);
  }

  function fail(error: unknown): void {
    if (controller.signal.aborted) return;
    status.replaceChildren(errorBox(error instanceof ApiError && error.code === 'INVALID_PARAMETER_VALUE' ? new Error(`Bad filter: ${error.message}`) : error));
  }

  void load().catch(fail);
  return () => {
    controller.abort();
    if (timer !== undefined) clearTimeout(timer);
    cleanupVirtualizer();
  };
}
