// Where a run came from and what it ran, from the tags `mlproject run` writes (MLflow's
// `mlflow.source.*` / `mlflow.project.*` / `mlflow.parentRunId`, and ours: `mlproject.command`,
// `mlproject.source.git.dirty`, `mlproject.env.*`, `mlproject.status.reason`), with links to the
// artifacts that back them (`source/uncommitted.diff`, `environment/lock.txt`, `environment/build.log`).
import type { Run } from './api.js';
import { DEFAULT_CHART } from './chart-options.js';
import { h } from './dom.js';
import { formatRoute } from './route.js';

/** The artifacts the panel links to when the run has them. */
export const PROVENANCE_ARTIFACTS = ['source/uncommitted.diff', 'environment/lock.txt', 'environment/build.log'] as const;

export interface ProvenanceLinks {
  /** Which of {@link PROVENANCE_ARTIFACTS} the run has. */
  present: ReadonlySet<string>;
  /** The URL that selects an artifact of the run (for the link's href). */
  hrefFor(path: string): string;
  /** Shows an artifact of the run in its artifact browser. */
  open(path: string): void;
}

const runHref = (runId: string): string => formatRoute({ page: 'run', runId, chart: DEFAULT_CHART });

/**
 * A browsable page of `commit` when `repoUrl` is an https URL on GitHub, GitLab or Bitbucket
 * (`https://github.com/o/r.git` -> `https://github.com/o/r/commit/<sha>`); null otherwise.
 */
export function commitUrl(repoUrl: string, commit: string): string | null {
  const match = /^https:\/\/(github\.com|gitlab\.com|bitbucket\.org)\/(.+?)(?:\.git)?\/?$/.exec(repoUrl);
  if (!match || !/^[0-9a-f]{7,64}$/.test(commit)) return null;
  return `https://${match[1]}/${match[2]}/${match[1] === 'gitlab.com' ? '-/commit' : match[1] === 'bitbucket.org' ? 'commits' : 'commit'}/${commit}`;
}

/** The provenance panel's table: one row per fact the tags record (rows without a value are left out). */
export function provenanceTable(run: Run, links: ProvenanceLinks): HTMLElement {
  const tags = new Map((run.data.tags ?? []).map((t) => [t.key, t.value]));
  const tag = (key: string): string => tags.get(key) ?? '';
  const artifactLink = (path: string, label = path): HTMLElement => h('a', {
    href: links.hrefFor(path), class: 'artifact-link', 'data-artifact-link': path,
    onclick: (event: Event) => { event.preventDefault(); links.open(path); },
  }, label);
  const rows: [string, string, Node | string | null][] = [];
  const add = (label: string, field: string, value: Node | string | null): void => { if (value !== null && value !== '') rows.push([label, field, value]); };

  const type = tag('mlflow.source.type');
  add('Source', 'source', tag('mlflow.source.name') ? h('span', {}, tag('mlflow.source.name'), type ? h('span', { class: 'muted' }, ` (${type})`) : null) : '');
  const repo = tag('mlflow.source.git.repoURL');
  add('Repository', 'repo', /^https?:\/\//.test(repo) ? h('a', { href: repo, rel: 'noopener', target: '_blank' }, repo) : repo);
  const commit = tag('mlflow.source.git.commit');
  const commitLink = commit && repo ? commitUrl(repo, commit) : null;
  add('Git commit', 'commit', commit ? h('code', {}, commitLink ? h('a', { href: commitLink, rel: 'noopener', target: '_blank' }, commit) : commit) : '');
  add('Branch', 'branch', tag('mlflow.source.git.branch'));
  add('Working tree', 'dirty', workingTree(tag('mlproject.source.git.dirty'), links, artifactLink));
  add('Entry point', 'entry-point', tag('mlflow.project.entryPoint'));
  const command = tag('mlproject.command');
  const commandAt = rows.length;
  if (command) add('Command', 'command', h('pre', { class: 'command' }, command));
  add('Environment', 'environment', environment(tags, links, artifactLink));
  add('Backend', 'backend', tag('mlflow.project.backend'));
  const parent = tag('mlflow.parentRunId');
  add('Parent run', 'parent', parent ? h('a', { href: runHref(parent) }, parent) : '');
  add('Status reason', 'status-reason', tag('mlproject.status.reason'));
  if (rows.length === 0) return h('p', { class: 'muted', 'data-field': 'no-provenance' }, 'No provenance tags: this run was not started by mlproject run or mlflow run.');
  // Other provenance, but no command: say where it would come from.
  if (!command) rows.splice(commandAt, 0, ['Command', 'command', h('span', { class: 'muted' }, 'not recorded (mlproject.command is set by mlproject run)')]);
  return h('table', { class: 'kv provenance' }, h('tbody', {}, ...rows.map(([label, field, value]) => h('tr', {}, h('th', {}, label), h('td', { 'data-field': field }, value)))));
}

function workingTree(dirty: string, links: ProvenanceLinks, artifactLink: (path: string, label?: string) => HTMLElement): Node | string {
  if (dirty === 'false') return h('span', { class: 'badge clean' }, 'clean');
  if (dirty !== 'true') return '';
  const diff = 'source/uncommitted.diff';
  return h('span', {}, h('span', { class: 'badge dirty' }, 'uncommitted changes'), ' ',
    links.present.has(diff) ? artifactLink(diff, `see ${diff}`) : h('span', { class: 'muted' }, '(no diff kept)'));
}

function environment(tags: Map<string, string>, links: ProvenanceLinks, artifactLink: (path: string, label?: string) => HTMLElement): Node | string {
  const manager = tags.get('mlflow.project.env') ?? (tags.has('mlflow.project.backend') ? 'local' : '');
  const parts: (Node | string)[] = [];
  if (manager) parts.push(h('span', { 'data-env-manager': manager }, manager));
  const python = tags.get('mlproject.env.python');
  if (python) parts.push(`Python ${python}`);
  const lock = 'environment/lock.txt';
  const digest = tags.get('mlproject.env.lockDigest');
  if (links.present.has(lock)) {
    parts.push(h('span', {}, 'lock ', artifactLink(lock), digest ? h('span', { class: 'muted', title: `sha256 ${digest}` }, ` sha256 ${digest.slice(0, 12)}…`) : null));
  } else if (digest) {
    parts.push(h('span', { class: 'muted', title: digest }, `lock sha256 ${digest.slice(0, 12)}… (lock.txt missing)`));
  }
  const frozen = tags.get('mlproject.env.frozenFrom');
  if (frozen) parts.push(h('span', {}, 'rebuilt from the lock of run ', h('a', { href: runHref(frozen) }, frozen)));
  const key = tags.get('mlproject.env.key');
  if (key) parts.push(h('span', { class: 'muted', title: 'mlproject env show KEY' }, `env ${key.slice(0, 12)}…`));
  if (links.present.has('environment/build.log')) parts.push(h('span', {}, 'build failed: ', artifactLink('environment/build.log')));
  if (parts.length === 0) return '';
  return h('span', { class: 'env-facts' }, ...parts.flatMap((p, i) => (i === 0 ? [p] : [' · ', p])));
}
