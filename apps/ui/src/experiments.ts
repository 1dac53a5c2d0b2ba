// The experiments list: the first page, linking to each experiment's runs table.
import { searchExperiments } from './api.js';
import { errorBox, formatTime, h } from './dom.js';
import { formatRoute } from './route.js';

export function renderExperiments(root: HTMLElement): () => void {
  root.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  void searchExperiments().then((experiments) => {
    root.replaceChildren(h('h1', {}, 'Experiments'), h('table', { class: 'experiments' },
      h('thead', {}, h('tr', {}, h('th', {}, 'ID'), h('th', {}, 'Name'), h('th', {}, 'Last update'))),
      h('tbody', {}, ...experiments.map((e) => h('tr', {},
        h('td', {}, e.experiment_id),
        h('td', {}, h('a', { href: formatRoute({ page: 'runs', experimentId: e.experiment_id, filter: '', order: 'attributes.start_time DESC' }) }, e.name)),
        h('td', {}, formatTime(e.last_update_time)))))));
  }, (error: unknown) => root.replaceChildren(errorBox(error)));
  return () => {};
}
