import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLogPath, canonicalJson, defaultCacheDir, envKey, lastMeaningfulLine } from '../src/index.js';

describe('defaultCacheDir', () => {
  it('prefers MLPROJECT_CACHE_DIR, made absolute', () => {
    expect(defaultCacheDir({ MLPROJECT_CACHE_DIR: '/c/x', XDG_CACHE_HOME: '/xdg', HOME: '/h' })).toBe('/c/x');
    expect(defaultCacheDir({ MLPROJECT_CACHE_DIR: 'rel' })).toBe(path.resolve('rel'));
  });
  it('falls back to $XDG_CACHE_HOME/mlproject, then ~/.cache/mlproject', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg', HOME: '/h' })).toBe('/xdg/mlproject');
    expect(defaultCacheDir({ HOME: '/h' })).toBe('/h/.cache/mlproject');
  });
  it('ignores empty variables and a relative XDG_CACHE_HOME', () => {
    expect(defaultCacheDir({ MLPROJECT_CACHE_DIR: '', XDG_CACHE_HOME: 'relative', HOME: '/h' })).toBe('/h/.cache/mlproject');
  });
});

describe('envKey', () => {
  it('is a sha256 hex that ignores key order', () => {
    const a = envKey({ python: '3.11.7', deps: ['six'], nested: { b: 1, a: 2 } });
    const b = envKey({ nested: { a: 2, b: 1 }, deps: ['six'], python: '3.11.7' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });
  it('changes with any value, and with list order', () => {
    const base = envKey({ python: '3.11.7', deps: ['six', 'packaging'] });
    expect(envKey({ python: '3.11.8', deps: ['six', 'packaging'] })).not.toBe(base);
    expect(envKey({ python: '3.11.7', deps: ['packaging', 'six'] })).not.toBe(base);
  });
  it('canonicalJson sorts keys recursively, including inside arrays', () => {
    expect(canonicalJson([{ z: 1, a: [{ y: 1, b: 2 }] }])).toBe('[{"a":[{"b":2,"y":1}],"z":1}]');
  });
});

describe('buildLogPath', () => {
  it('puts one file per attempt under <cacheDir>/logs/<kind>', () => {
    const p = buildLogPath('/c', 'virtualenv', 'abc', new Date('2026-01-02T03:04:05.678Z'));
    expect(p).toBe(`/c/logs/virtualenv/abc-20260102T030405678Z-${process.pid}.log`);
  });
});

describe('lastMeaningfulLine', () => {
  it('takes pip\'s last ERROR line, not the trailing notice', () => {
    const out = 'Collecting x\nERROR: No matching distribution found for nope==1.0\n\n[notice] A new release of pip is available\n';
    expect(lastMeaningfulLine(out)).toBe('ERROR: No matching distribution found for nope==1.0');
  });
  it('strips uv\'s tree glyphs and colours and skips hint lines', () => {
    const out = '  \u001b[31m×\u001b[0m No solution found when resolving dependencies:\n  ╰─▶ Because nope was not found in the package registry, we can conclude that your requirements are unsatisfiable.\n\nhint: try again\n';
    expect(lastMeaningfulLine(out)).toBe('Because nope was not found in the package registry, we can conclude that your requirements are unsatisfiable.');
  });
  it('drops uv\'s plain-output cause: label', () => {
    const out = 'error: No solution found when resolving dependencies\n  cause: Because nope was not found in the package registry\n';
    expect(lastMeaningfulLine(out)).toBe('Because nope was not found in the package registry');
  });
  it('returns an empty string for empty output', () => {
    expect(lastMeaningfulLine('\n  \n')).toBe('');
  });
});
