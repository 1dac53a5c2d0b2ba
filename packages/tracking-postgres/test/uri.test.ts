import { describe, expect, it } from 'vitest';
import { isPostgresUri, maskPassword, parsePostgresUri } from '../src/index.js';

describe('PostgreSQL tracking URIs', () => {
  it('accepts node-postgres and SQLAlchemy schemes and hands node-postgres a postgresql:// URI', () => {
    for (const scheme of ['postgresql', 'postgres', 'postgresql+psycopg2', 'postgresql+psycopg', 'postgresql+pg8000', 'PostgreSQL']) {
      const parsed = parsePostgresUri(`${scheme}://u:secret@db.example:6543/mlflow?sslmode=require`);
      expect(parsed.connectionString).toBe('postgresql://u:secret@db.example:6543/mlflow?sslmode=require');
      expect(parsed.masked).toBe(`${scheme}://u:***@db.example:6543/mlflow?sslmode=require`);
      expect(isPostgresUri(`${scheme}://h/db`)).toBe(true);
    }
    expect(parsePostgresUri('postgresql:///mlflow?host=/run/postgresql').connectionString).toBe('postgresql:///mlflow?host=/run/postgresql');
    expect(parsePostgresUri('postgresql://h/db?options=-csearch_path%3Dx').hasOptions).toBe(true);
  });

  it('refuses other schemes and URIs without a host, masking the password in the message', () => {
    for (const uri of ['mysql://u:secret@h/db', 'sqlite:///x.db', 'postgresql+asyncpg://u:secret@h/db', 'h/db']) {
      expect(isPostgresUri(uri)).toBe(false);
      expect(() => parsePostgresUri(uri)).toThrow(/expected one of postgresql:\/\//);
    }
    expect(() => parsePostgresUri('mysql://u:secret@h/db')).toThrow(/mysql:\/\/u:\*\*\*@h\/db/);
    expect(() => parsePostgresUri('postgresql:///db')).toThrow(/names no host/);
  });

  it('masks passwords in the user info and in a password= query parameter, and leaves URIs without one alone', () => {
    expect(maskPassword('postgresql://u:p%40ss@h/db')).toBe('postgresql://u:***@h/db');
    expect(maskPassword('postgresql://u@h/db?password=x&sslmode=require')).toBe('postgresql://u@h/db?password=***&sslmode=require');
    expect(maskPassword('postgresql://h:5432/db')).toBe('postgresql://h:5432/db');
  });
});
