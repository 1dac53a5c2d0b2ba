import { createWriteStream } from 'node:fs';
import { chmod, mkdir, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { isSafeEntryName, linkProblem, unsafeEntry } from './entries.js';
import { SourceError } from './errors.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function open(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

function readAll(zip: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

function openStream(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))));
}

/**
 * Extracts a zip into `dest` (which must be empty), keeping the executable bit and symlinks that
 * point inside. Refuses absolute names, `..` and links that leave `dest`, and never writes through a
 * symlink to a place outside `dest`.
 * @throws SourceError ERR_MLPROJECT_SOURCE_ARCHIVE
 */
export async function extractZip(file: string, dest: string, shown: string): Promise<void> {
  const realDest = await realpath(dest);
  let zip: ZipFile;
  try {
    zip = await open(file);
  } catch (error) {
    throw corrupt(shown, error);
  }
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown): void => {
      zip.close();
      const badName = /^(?:absolute path|invalid relative path): (.*)$/.exec((error as Error).message ?? '');
      reject(error instanceof SourceError ? error : badName ? unsafeEntry(shown, badName[1] ?? '', 'has an absolute or ".." path') : corrupt(shown, error));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      writeEntry(zip, entry, dest, realDest, shown).then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
}

async function writeEntry(zip: ZipFile, entry: Entry, dest: string, realDest: string, shown: string): Promise<void> {
  const name = entry.fileName;
  if (!isSafeEntryName(name.replace(/\/$/, ''))) throw unsafeEntry(shown, name, 'has an absolute or ".." path');
  const target = path.join(dest, name);
  if (name.endsWith('/')) {
    await mkdir(target, { recursive: true });
    return;
  }
  await mkdir(path.dirname(target), { recursive: true });
  const parent = await realpath(path.dirname(target));
  if (parent !== realDest && !parent.startsWith(realDest + path.sep)) throw unsafeEntry(shown, name, 'is written through a link that leaves the archive');
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  if ((mode & S_IFMT) === S_IFLNK) {
    const linkpath = (await readAll(zip, entry)).toString('utf8');
    const why = linkProblem(name, 'SymbolicLink', linkpath);
    if (why !== null) throw unsafeEntry(shown, name, why);
    await symlink(linkpath, target);
    return;
  }
  await pipeline(await openStream(zip, entry), createWriteStream(target, { flags: 'wx' }));
  if (mode & 0o111) await chmod(target, 0o755);
}

function corrupt(shown: string, error: unknown): SourceError {
  return new SourceError('ERR_MLPROJECT_SOURCE_ARCHIVE', `archive ${shown} is corrupt: ${(error as Error).message}`, { hint: 'download it again or check it with: unzip -t <file>' });
}
