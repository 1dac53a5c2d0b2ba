import { describe, expect, it } from 'vitest';
import { normaliseSubdir, parseBrowserLink, parseProjectUri, SourceError, stripCredentials } from '../src/index.js';

describe('parseProjectUri', () => {
  it('splits at the first # and normalises slashes', () => {
    expect(parseProjectUri('https://host/org/repo.git#/a//b/')).toMatchObject({ base: 'https://host/org/repo.git', subdir: 'a/b', form: 'git' });
    expect(parseProjectUri('dir#x#y').subdir).toBe('x#y');
    expect(parseProjectUri('"./proj"')).toMatchObject({ base: './proj', form: 'path', original: './proj' });
  });

  it('refuses .. segments but allows dots inside names', () => {
    expect(() => normaliseSubdir('a/../b')).toThrow(SourceError);
    expect(() => parseProjectUri('repo#..')).toThrow(/contains '\.\.'/);
    expect(normaliseSubdir('dir.v2/./x')).toBe('dir.v2/x');
  });

  it('tells git URLs, archives and paths apart', () => {
    expect(parseProjectUri('git@github.com:org/repo.git').form).toBe('git');
    expect(parseProjectUri('ssh://git@host/org/repo.git').form).toBe('git');
    expect(parseProjectUri('file:///srv/repo#sub').form).toBe('git');
    expect(parseProjectUri('https://example.com/p.tar.gz?x=1').form).toBe('archive');
    expect(parseProjectUri('./p.TGZ#sub')).toMatchObject({ form: 'archive', subdir: 'sub' });
    expect(parseProjectUri('p.zip').form).toBe('archive');
    expect(parseProjectUri('examples/sklearn').form).toBe('path');
  });

  it('turns GitHub and GitLab browser links into repo, ref and subdir', () => {
    expect(parseProjectUri('https://github.com/org/repo/tree/v1.2/examples/train')).toMatchObject({
      base: 'https://github.com/org/repo',
      linkRef: 'v1.2',
      subdir: 'examples/train',
      form: 'git',
    });
    expect(parseBrowserLink('https://gitlab.com/group/sub/repo/-/tree/main/proj?ref_type=heads')).toEqual({
      repoUrl: 'https://gitlab.com/group/sub/repo',
      ref: 'main',
      path: 'proj',
    });
    expect(parseProjectUri('https://github.com/org/repo/tree/main/a#b').subdir).toBe('a/b');
    expect(parseBrowserLink('https://github.com/org/repo')).toBeNull();
    expect(parseBrowserLink('https://example.com/org/repo/tree/main/x')).toBeNull();
  });

  it('takes a /blob/<ref>/<file> link as the directory holding the file', () => {
    expect(parseProjectUri('https://github.com/org/repo/blob/main/proj/MLproject')).toMatchObject({
      base: 'https://github.com/org/repo',
      linkRef: 'main',
      subdir: 'proj',
      form: 'git',
    });
    expect(parseProjectUri('https://github.com/org/repo/blob/v1/MLproject')).toMatchObject({ base: 'https://github.com/org/repo', linkRef: 'v1', subdir: '' });
    expect(parseBrowserLink('https://gitlab.com/group/repo/-/blob/dev/a/b/MLproject?ref_type=heads')).toEqual({
      repoUrl: 'https://gitlab.com/group/repo',
      ref: 'dev',
      path: 'a/b',
    });
    expect(parseProjectUri('https://github.com/org/repo/blob/main/proj/MLproject#inner').subdir).toBe('proj/inner');
  });
});

describe('stripCredentials', () => {
  it('removes user:password@ from URLs and leaves scp-like URLs alone', () => {
    expect(stripCredentials('https://user:tok@github.com/o/r.git#sub')).toBe('https://github.com/o/r.git#sub');
    expect(stripCredentials('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
    expect(stripCredentials('https://github.com/o/r')).toBe('https://github.com/o/r');
  });

  it('keeps the user name of an ssh URL (only a password is dropped), but not of an https one (often a token)', () => {
    expect(stripCredentials('ssh://git@localhost:1/x.git')).toBe('ssh://git@localhost:1/x.git');
    expect(stripCredentials('ssh://git:secret@localhost:1/x.git#sub')).toBe('ssh://git@localhost:1/x.git#sub');
    expect(stripCredentials('git+ssh://alice@host/x.git')).toBe('git+ssh://alice@host/x.git');
    expect(stripCredentials('https://ghp_token@github.com/o/r.git')).toBe('https://github.com/o/r.git');
  });
});
