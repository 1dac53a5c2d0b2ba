// Hash routing: the whole view state lives in the URL, so every page can be shared.
//   #/                                              experiments list
//   #/experiments/<id>?filter=&order=               runs table of one experiment
//   #/runs/<run id>?metric=<key>&x=&log=&smooth=    run page (with those metrics' chart)
//   #/compare?runs=<id>,<id>&metric=<key>&x=&log=&smooth=   compare page of the listed runs
import { chartOptionsFrom, chartOptionsTo, type ChartOptions } from './chart-options.js';

export type Route =
  | { page: 'experiments' }
  | { page: 'runs'; experimentId: string; filter: string; order: string }
  | { page: 'run'; runId: string; chart: ChartOptions }
  | { page: 'compare'; runIds: string[]; chart: ChartOptions };

export function parseRoute(hash: string): Route {
  const [pathPart = '', queryPart = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(queryPart);
  if (parts[0] === 'experiments' && parts[1] !== undefined) {
    return { page: 'runs', experimentId: parts[1], filter: query.get('filter') ?? '', order: query.get('order') ?? 'attributes.start_time DESC' };
  }
  if (parts[0] === 'runs' && parts[1] !== undefined) return { page: 'run', runId: parts[1], chart: chartOptionsFrom(query) };
  if (parts[0] === 'compare') {
    const runIds = (query.get('runs') ?? '').split(',').map((id) => id.trim()).filter(Boolean);
    return { page: 'compare', runIds, chart: chartOptionsFrom(query) };
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
      if (route.order !== 'attributes.start_time DESC') query.set('order', route.order);
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
