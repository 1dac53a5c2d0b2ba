import { describe, expect, it } from 'vitest';
import { canonicalName, diffLocks, lockEntries } from '../src/index.js';

describe('lockEntries', () => {
  it('normalizes names of pinned and direct-URL lines, keeps -e lines, skips comments and options', () => {
    const text = '# Editable install\n-e file:///p\nTyping_Extensions==4.12.2\nfoo.bar @ file:///w/foo_bar-1.0-py3-none-any.whl\n--index-url https://x\n\n';
    expect(lockEntries(text)).toEqual([
      { name: '-e file:///p', line: '-e file:///p' },
      { name: 'typing-extensions', line: 'typing-extensions==4.12.2' },
      { name: 'foo-bar', line: 'foo-bar @ file:///w/foo_bar-1.0-py3-none-any.whl' },
    ]);
    expect(canonicalName('Foo__Bar.baz')).toBe('foo-bar-baz');
  });
});

describe('diffLocks', () => {
  it('compares as sets of normalized lines, whatever the order and spelling', () => {
    expect(diffLocks('six==1.16.0\nidna==3.7\n', 'IDNA==3.7\nsix==1.16.0')).toEqual({ missing: [], extra: [] });
    expect(diffLocks('six==1.16.0\nidna==3.7\n', 'six==1.15.0\nidna==3.7\npip==24.0\n')).toEqual({ missing: ['six==1.16.0'], extra: ['pip==24.0', 'six==1.15.0'] });
  });
});
