// The `.py` / `.sh` fallback commands and the entry-point error that @mlproject/spec builds must
// quote and repr names exactly as the command rendering of this package does.
import { describe, expect, it } from 'vitest';
import { SpecError, getEntryPoint, parseProject } from '../../spec/src/index.js';
import { pythonRepr, shellQuote } from '../src/index.js';

const names = ['plain.py', 'my script.py', "it's.py", 'café.py', 'a"b.py', '$(rm -rf ~).sh', 'tab\there.sh', '-x.py'];

describe('spec and params agree', () => {
  it('on shell quoting of script entry points', () => {
    const project = parseProject('', { dir: '/p', file: null });
    for (const name of names) {
      const interpreter = name.endsWith('.py') ? 'python' : 'bash';
      expect(getEntryPoint(project, name).command).toBe(`${interpreter} ${shellQuote(name)}`);
    }
  });
  it('on the Python list repr in the entry point error', () => {
    const declared = ['main', "it's", 'a"b', 'tab\there', 'é'];
    const text = `entry_points:\n${declared.map((n) => `  ${JSON.stringify(n)}: {command: x}`).join('\n')}`;
    const project = parseProject(text, { dir: '/p', file: '/p/MLproject' });
    try {
      getEntryPoint(project, 'nope');
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(SpecError);
      expect((error as SpecError).detail).toContain(`among entry points ${pythonRepr(declared)} or interpret`);
    }
  });
});
