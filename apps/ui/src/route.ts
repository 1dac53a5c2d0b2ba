// Hash routing: the whole view state lives in the URL, so every page can be shared.
//   #/                                              experiments list
//   #/experiments/<id>?filter=&order=&selected=<id>,<id>&scatter=<x column>,<y column>
//                                                   runs table of one experiment (selected runs ticked,
//                                                   scatter of one column against another when set)
//   #/runs/<run id>?metric=<key>&x=&log=&smooth=    run page (with those metrics' chart)
//   #/compare?runs=<id>,<id>&metric=<key>&x=&log=&smooth=   compare page of the listed runs
import { chartOptionsFrom, chartOptionsTo, type ChartOptions } from './chart-options.js';

/** A scatter plot's axes as runs-table column IDs (`param:alpha`, `metric:r2_score`). */
export interface Scatter { x: string; y: string }

export const DEFAULT_ORDER = 'attributes.start_time DESC';

const list = (value: string | null): string[] => (value ?? '').split(',').map((id) => id.trim()).filter(Boolean);

export type Route =
  | { page: 'experiments' }
  | { page: 'runs'; experimentId: string; filter: string; order: string; selected?: string[] | undefined; scatter?: Scatter | undefined }
  | { page: 'run'; runId: string; chart: ChartOptions }
  | { page: 'compare'; runIds: string[]; chart: ChartOptions };

/** A path segment decoded, or as it is when its percent-encoding is broken (`%E0%A4%A`). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The route of a location hash. Unknown paths are the experiments list; MLflow's run links
 * (`#/experiments/<id>/runs/<run id>`, which its client prints as "View run at") open the run.
 */
export function parseRoute(hash: string): Route {
  const [pathPart = '', queryPart = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = pathPart.split('/').filter(Boolean).map(decodeSegment);
  const query = new URLSearchParams(queryPart);
  if (parts[0] === 'experiments' && parts[2] === 'runs' && parts[3] !== undefined) {
    return { page: 'run', runId: parts[3], chart: chartOptionsFrom(query) };
  }
  if (parts[0] === 'experiments' && parts[1] !== undefined) {
    const route: Route = { page: 'runs', experimentId: parts[1], filter: query.get('filter') ?? '', order: query.get('order') ?? DEFAULT_ORDER };
    const selected = list(query.get('selected'));
    if (selected.length > 0) route.selected = selected;
    const [x, y] = list(query.get('scatter'));
    if (x !== undefined && y !== undefined) route.scatter = { x, y };
    return route;
  }
  if (parts[0] === 'runs' && parts[1] !== undefined) return { page: 'run', runId: parts[1], chart: chartOptionsFrom(query) };
  if (parts[0] === 'compare') {
    return { page: 'compare', runIds: list(query.get('runs')), chart: chartOptionsFrom(query) };
  }
  return { page: 'experiments' };
}

const withQuery = (path: string, query: URLSearchParams): string => {
  const q = query.toString();
  return q ? `${path}?${q}` : path;
};

export function formatRoute(route: Route): string {
  switch (route.page) {
    case 'experiments':
      return '#/';
    case 'runs': {
      const query = new URLSearchParams();
      if (route.filter !== '') query.set('filter', route.filter);
      if (route.order !== DEFAULT_ORDER) query.set('order', route.order);
      if (route.selected !== undefined && route.selected.length > 0) query.set('selected', route.selected.join(','));
      if (route.scatter !== undefined) query.set('scatter', `${route.scatter.x},${route.scatter.y}`);
      return withQuery(`#/experiments/${encodeURIComponent(route.experimentId)}`, query);
    }
    case 'run':
      return withQuery(`#/runs/${encodeURIComponent(route.runId)}`, chartOptionsTo(route.chart));
    case 'compare': {
      const query = new URLSearchParams({ runs: route.runIds.join(',') });
      for (const [k, v] of chartOptionsTo(route.chart)) query.append(k, v);
      return withQuery('#/compare', query);
    }
  }
}
