// Hash routing: the whole view state lives in the URL, so every page can be shared.
//   #/                                   experiments list
//   #/experiments/<id>?filter=&order=    runs table of one experiment
//   #/runs/<run id>?metric=<key>         run page (with that metric's chart)

export type Route =
  | { page: 'experiments' }
  | { page: 'runs'; experimentId: string; filter: string; order: string }
  | { page: 'run'; runId: string; metric: string };

export function parseRoute(hash: string): Route {
  const [pathPart = '', queryPart = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(queryPart);
  if (parts[0] === 'experiments' && parts[1] !== undefined) {
    return { page: 'runs', experimentId: parts[1], filter: query.get('filter') ?? '', order: query.get('order') ?? 'attributes.start_time DESC' };
  }
  if (parts[0] === 'runs' && parts[1] !== undefined) return { page: 'run', runId: parts[1], metric: query.get('metric') ?? '' };
  return { page: 'experiments' };
}

export function formatRoute(route: Route): string {
  switch (route.page) {
    case 'experiments':
      return '#/';
    case 'runs': {
      const query = new URLSearchParams();
      if (route.filter !== '') query.set('filter', route.filter);
      if (route.order !== 'attributes.start_time DESC') query.set('order', route.order);
      const q = query.toString();
      return `#/experiments/${encodeURIComponent(route.experimentId)}${q ? `?${q}` : ''}`;
    }
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}${route.metric ? `?${new URLSearchParams({ metric: route.metric }).toString()}` : ''}`;
  }
}
