import { describe, expect, it } from 'vitest';
import { newestFirst, plausible, versionMatches } from '../src/index.js';

describe('versionMatches', () => {
  it('treats a request as a dotted prefix', () => {
    expect(versionMatches('3.11', '3.11.7')).toBe(true);
    expect(versionMatches('3', '3.12.1')).toBe(true);
    expect(versionMatches('3.11.7', '3.11.7')).toBe(true);
  });
  it('requires a full version to match exactly, and compares parts, not characters', () => {
    expect(versionMatches('3.11.7', '3.11.2')).toBe(false);
    expect(versionMatches('3.1', '3.11.7')).toBe(false);
    expect(versionMatches('3.11.7.1', '3.11.7')).toBe(false);
    expect(versionMatches('', '3.11.7')).toBe(false);
  });
  it('ignores spaces and a python prefix', () => {
    expect(versionMatches(' 3.11 ', '3.11.7')).toBe(true);
    expect(versionMatches('python3.11', '3.11.7')).toBe(true);
  });
});

describe('plausible', () => {
  it('rules out candidates whose name names another version', () => {
    expect(plausible('3.11', '3.12')).toBe(false);
    expect(plausible('3.11.7', '3.11.2')).toBe(false);
    expect(plausible('3.11', '3')).toBe(true);
    expect(plausible('3.11', '3.11.7')).toBe(true);
    expect(plausible('3.11', null)).toBe(true);
  });
});

describe('newestFirst', () => {
  it('sorts numerically, newest first, non-numeric names last', () => {
    expect(['3.9.18', 'miniconda3', '3.10.13', '2.7.18', '3.10'].sort(newestFirst)).toEqual(['3.10.13', '3.10', '3.9.18', '2.7.18', 'miniconda3']);
  });
});
