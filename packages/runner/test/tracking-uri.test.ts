import { describe, expect, it } from 'vitest';
import { maskPassword, resolveTrackingUri, sqlitePathFromUri, storeTarget } from '../src/tracking-uri.js';

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

  it('names each kind of store: sqlite, json, postgres (SQLAlchemy forms too) and remote servers', () => {
    expect(storeTarget('sqlite:///x.sqlite3', '/w')).toEqual({ kind: 'sqlite', file: '/w/x.sqlite3', uri: 'sqlite:////w/x.sqlite3' });
    expect(storeTarget('json:///runs.json', '/w')).toEqual({ kind: 'json', file: '/w/runs.json', uri: 'json:////w/runs.json' });
    expect(storeTarget('sub/runs.json', '/w')).toMatchObject({ kind: 'json', file: '/w/sub/runs.json' });
    for (const uri of ['postgresql://u:pw@h/db', 'postgres://u:pw@h:5433/db', 'postgresql+psycopg2://u:pw@h/db']) {
      const target = storeTarget(uri, '/w');
      expect(target).toMatchObject({ kind: 'postgres', url: uri });
      expect(target.uri).not.toContain('pw');
    }
    expect(storeTarget('http://host:5000/', '/w')).toEqual({ kind: 'rest', url: 'http://host:5000', uri: 'http://host:5000' });
    expect(storeTarget('https://ana:secret@mlflow.example.com', '/w').uri).toBe('https://ana:***@mlflow.example.com');
  });

  it('masks only the password of a URL', () => {
    expect(maskPassword('postgresql://user:p%40ss@host/db')).toBe('postgresql://user:***@host/db');
    expect(maskPassword('postgresql://user@host/db')).toBe('postgresql://user@host/db');
    expect(maskPassword('http://host:5000')).toBe('http://host:5000');
  });

  it('refuses what it cannot store to, with a hint', () => {
    expect(() => storeTarget('databricks', '/w')).toThrow(/is not a store/);
    expect(() => storeTarget('databricks://profile', '/w')).toThrow(/scheme this build cannot store to \(databricks:\)/);
    expect(() => storeTarget('file:///w/mlruns', '/w')).toThrow(/MLflow file store/);
    expect(() => storeTarget('./mlruns', '/w')).toThrow(/MLflow file store/);
    expect(() => storeTarget('sqlite:///', '/w')).toThrow(/names no file/);
    expect(() => storeTarget('sqlite://x.db', '/w')).toThrow(/three slashes/);
    expect(() => sqlitePathFromUri('http://localhost:5000', '/w')).toThrow(/is a rest store, not a SQLite file/);
  });
});

describe('artifacts of a PostgreSQL store', () => {
  it('go to one directory per database, whatever the working directory', async () => {
    const { postgresArtifactsDir } = await import('../src/tracking-uri.js');
    const env = { XDG_DATA_HOME: '/data' };
    expect(postgresArtifactsDir('postgresql://u:pw@db.example:5433/team', env)).toBe('/data/mlproject/artifacts/db.example_5433_team');
    expect(postgresArtifactsDir('postgresql+psycopg2://u@h/db', env)).toBe('/data/mlproject/artifacts/h_5432_db');
    expect(postgresArtifactsDir('postgres://h/my%20db', env)).toBe('/data/mlproject/artifacts/h_5432_my-db');
  });
});
