import { describe, expect, it } from 'vitest';
import { resolveTrackingUri, sqlitePathFromUri } from '../src/tracking-uri.js';

describe('tracking URI', () => {
  it('prefers the explicit URI, then MLFLOW_TRACKING_URI, then ./mlproject.db', () => {
    expect(resolveTrackingUri('sqlite:///a.db', { MLFLOW_TRACKING_URI: 'sqlite:///b.db' }, '/w')).toBe('sqlite:///a.db');
    expect(resolveTrackingUri(undefined, { MLFLOW_TRACKING_URI: 'sqlite:///b.db' }, '/w')).toBe('sqlite:///b.db');
    expect(resolveTrackingUri(undefined, {}, '/w')).toBe('sqlite:///mlproject.db');
  });

  it('makes relative sqlite paths absolute against cwd and keeps absolute ones', () => {
    expect(sqlitePathFromUri('sqlite:///runs/x.db', '/work/here')).toBe('/work/here/runs/x.db');
    expect(sqlitePathFromUri('sqlite:////abs/x.db', '/work/here')).toBe('/abs/x.db');
    expect(sqlitePathFromUri('plain.db', '/w')).toBe('/w/plain.db');
  });

  it('refuses schemes this build cannot store to, with a hint', () => {
    expect(() => sqlitePathFromUri('http://localhost:5000', '/w')).toThrow(/not supported yet/);
    expect(() => sqlitePathFromUri('sqlite:///', '/w')).toThrow(/names no database file/);
  });
});
