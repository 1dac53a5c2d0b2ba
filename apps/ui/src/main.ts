// Entry point: renders the page the URL's hash names, again on every hash change.
import './style.css';
import { renderCompare } from './compare.js';
import { renderExperiments } from './experiments.js';
import { parseRoute } from './route.js';
import { renderRunPage } from './run-page.js';
import { renderRunsTable } from './runs-table.js';

const app = document.getElementById('app') as HTMLElement;
let leave = (): void => {};

function show(): void {
  leave();
  const route = parseRoute(location.hash);
  if (route.page === 'runs') leave = renderRunsTable(app, route);
  else if (route.page === 'run') leave = renderRunPage(app, route);
  else if (route.page === 'compare') leave = renderCompare(app, route);
  else leave = renderExperiments(app);
}

window.addEventListener('hashchange', show);
show();
