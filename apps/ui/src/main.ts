// Entry point: renders the page the URL's hash names, again on every hash change; on a 401 the
// sign-in panel takes the page's place until a credential is accepted.
import './style.css';
import { renderCompare } from './compare.js';
import { renderExperiments } from './experiments.js';
import { parseRoute } from './route.js';
import { renderRunPage } from './run-page.js';
import { renderRunsTable } from './runs-table.js';
import { installSignIn } from './sign-in.js';

const app = document.getElementById('app') as HTMLElement;
let leave = (): void => {};
const signIn = installSignIn({
  app,
  header: document.querySelector('header.top') as HTMLElement,
  stopPage: () => {
    leave();
    leave = (): void => {};
  },
  renderPage: () => show(),
});

function show(): void {
  leave();
  signIn.hide();
  const route = parseRoute(location.hash);
  if (route.page === 'runs') leave = renderRunsTable(app, route);
  else if (route.page === 'run') leave = renderRunPage(app, route);
  else if (route.page === 'compare') leave = renderCompare(app, route);
  else leave = renderExperiments(app);
}

window.addEventListener('hashchange', show);
show();
