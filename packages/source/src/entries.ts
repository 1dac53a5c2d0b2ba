import path from 'node:path';
import { SourceError } from './errors.js';

/** The ERR_MLPROJECT_SOURCE_ARCHIVE error for an entry that would land outside the target. */
export function unsafeEntry(archive: string, entry: string, why: string): SourceError {
  return new SourceError('ERR_MLPROJECT_SOURCE_ARCHIVE', `archive ${archive} is unsafe: entry '${entry}' ${why}`, {
    hint: 'the archive tries to write outside its own directory; it was not extracted',
  });
}

/** Whether `rel` (a `/`-separated entry name) stays inside the target: not absolute, no `..`. */
export function isSafeEntryName(rel: string): boolean {
  if (rel.startsWith('/') || /^[a-z]:/i.test(rel) || rel.includes('\\')) return false;
  return !rel.split('/').includes('..');
}

/** Why a link entry is refused, or null when it is not a link or points inside. */
export function linkProblem(rel: string, type: string, linkpath: string | undefined): string | null {
  if (type !== 'SymbolicLink' && type !== 'Link') return null;
  if (linkpath === undefined || linkpath.startsWith('/')) return `links to an absolute path '${linkpath ?? ''}'`;
  const target = type === 'Link' ? path.posix.normalize(linkpath) : path.posix.join(path.posix.dirname(rel), linkpath);
  return target === '..' || target.startsWith('../') ? `links outside the archive ('${linkpath}')` : null;
}

