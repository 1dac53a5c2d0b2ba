import { describe, expect, it } from 'vitest';
import { getEntryPoint, parseProject, type EntryPoint } from '../../spec/src/index.js';
import { ParamsError, checkCommandTemplate, computeCommand, paramsToLog, shellQuote } from '../src/index.js';

const project = parseProject(
  `entry_points:
  greeter:
    parameters:
      greeting: {type: string, default: "hi"}
      name: string
    command: "python greeter.py {greeting} {name}"
  train:
    parameters:
      alpha: {type: float, default: 0.1}
      l1_ratio: {type: float, default: 1.0}
      lr: {type: float, default: 1e-3}
      epochs: {type: int, default: 010}
      verbose: {type: bool, default: yes}
      tag: {type: str, default: None}
    command: |
      python train.py --alpha {alpha} --l1 {l1_ratio} \\
        --lr {lr} --epochs {epochs} --verbose {verbose} --tag {tag}
  braces:
    parameters: {n: {type: int, default: 3}}
    command: "awk '{{print $1}}' data | head -{n} && echo \${{HOME}}"
`,
  { dir: '/proj', file: '/proj/MLproject' },
);
const greeter = getEntryPoint(project, 'greeter');
const fail = (ep: EntryPoint, params: Record<string, string>): ParamsError => {
  try {
    computeCommand(ep, params);
  } catch (error) {
    expect(error).toBeInstanceOf(ParamsError);
    return error as ParamsError;
  }
  throw new Error('expected computeCommand to throw');
};

describe('computeCommand (MLflow test_entry_point_compute_command)', () => {
  it('fills declared params and appends extras: python greeter.py hi friend --excitement 10', () => {
    expect(computeCommand(greeter, { name: 'friend', excitement: '10' })).toBe('python greeter.py hi friend --excitement 10');
  });
  it('shell-quotes values: friend; echo \'hi\'', () => {
    const name = "friend; echo 'hi'";
    expect(computeCommand(greeter, { name })).toBe(`python greeter.py hi ${shellQuote(name)}`);
    expect(computeCommand(greeter, { name })).toBe(`python greeter.py hi 'friend; echo '"'"'hi'"'"''`);
  });
  it('requires name', () => {
    expect(fail(greeter, {}).message).toBe("No value given for missing parameters: 'name'");
  });
  it('renders YAML defaults as Python str() and keeps the trailing newline before extras', () => {
    expect(computeCommand(getEntryPoint(project, 'train'), { seed: '42', note: 'a b' })).toBe(
      'python train.py --alpha 0.1 --l1 1.0 \\\n  --lr 1e-3 --epochs 8 --verbose True --tag None\n --seed 42 --note \'a b\'',
    );
  });
  it('turns {{ and }} into literal braces', () => {
    expect(computeCommand(getEntryPoint(project, 'braces'), {})).toBe("awk '{print $1}' data | head -3 && echo ${HOME}");
  });
  it('runs a script entry point with every -P as an extra, in user order', () => {
    expect(computeCommand(getEntryPoint(project, 'train.py'), { b: '2', alpha: '0.5' })).toBe('python train.py --b 2 --alpha 0.5');
  });
});

describe('computeCommand: template errors instead of Python KeyError/ValueError', () => {
  const ep = (command: string): EntryPoint => ({ name: 'main', command, parameters: [{ name: 'alpha', type: 'string', default: '0.5' }] });
  it('names a field that is not a declared parameter, even if given with -P', () => {
    const e = fail(ep('python train.py --alpha {alpha} --beta {beta}'), { beta: '1' });
    expect(e.code).toBe('ERR_MLPROJECT_PARAMS_COMMAND_TEMPLATE');
    expect(e.message).toBe("Command of entry point 'main' uses {beta}, but 'beta' is not a declared parameter of this entry point");
    expect(e.param).toBe('beta');
    expect(e.hint).toContain('entry_points.main.parameters');
  });
  it('explains shell ${VAR} and stray braces', () => {
    expect(fail(ep('echo ${HOME}'), {}).param).toBe('HOME');
    expect(fail(ep('export PATH=$PATH:$TOOL/bin} python run.py'), {}).message).toBe("Command of entry point 'main' has a single '}' at character 28");
    expect(fail(ep('python run.py {alpha'), {}).message).toBe("Command of entry point 'main' has a '{' at character 15 that is never closed");
  });
  it('rejects positional fields, attribute access and format specs', () => {
    expect(fail(ep('run {}'), {}).message).toBe("Command of entry point 'main' uses the positional field {}");
    expect(fail(ep('run {0}'), {}).message).toBe("Command of entry point 'main' uses the positional field {0}");
    expect(fail(ep('run {alpha.real}'), {}).message).toBe("Command of entry point 'main' uses attribute or index access in {alpha.real}");
    expect(fail(ep('run {alpha:.2f}'), {}).message).toBe("Command of entry point 'main' uses a format spec in {alpha:.2f}");
  });
  it('supports !s and !r conversions like Python', () => {
    expect(computeCommand(ep('run {alpha!s} {alpha!r}'), { alpha: 'a b' })).toBe(`run 'a b' "'a b'"`);
  });
  it('names the file and key path entry_points.<name>.command when given the MLproject path', () => {
    let error: unknown;
    try {
      computeCommand(ep('echo {beta}'), {}, { cwd: '/', file: '/proj/MLproject' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsError);
    const e = error as ParamsError;
    expect([e.file, e.keyPath]).toEqual(['/proj/MLproject', 'entry_points.main.command']);
    expect(e.message).toBe("/proj/MLproject: entry_points.main.command: Command of entry point 'main' uses {beta}, but 'beta' is not a declared parameter of this entry point");
    expect(e.detail).toBe("Command of entry point 'main' uses {beta}, but 'beta' is not a declared parameter of this entry point");
  });
  it('says to remove the spaces of { alpha }, without stray spaces in the hint', () => {
    const e = fail(ep('run { alpha }'), {});
    expect(e.message).toBe("Command of entry point 'main' uses { alpha }, but ' alpha ' (with spaces) is not a declared parameter of this entry point");
    expect(e.hint).toBe('Write {alpha} without spaces inside the braces.');
    expect(fail(ep('run { beta }'), {}).hint).toMatch(/^Declare beta under entry_points\.main\.parameters \(-P beta=\.\.\. alone/);
  });
  it('checkCommandTemplate finds what computeCommand would fail on, without values', () => {
    for (const bad of ['echo {beta}', 'echo ${HOME}', 'echo }', 'echo { alpha }', 'echo {alpha']) {
      const e = checkCommandTemplate(ep(bad), { file: '/proj/MLproject' });
      expect(e?.code, bad).toBe('ERR_MLPROJECT_PARAMS_COMMAND_TEMPLATE');
      expect(e?.keyPath).toBe('entry_points.main.command');
    }
    expect(checkCommandTemplate(ep('echo {alpha} ${{HOME}} }}'))).toBeNull();
    expect(checkCommandTemplate({ name: 'r', command: 'run {n}', parameters: [{ name: 'n', type: 'int', default: null }] })).toBeNull();
  });
  it('allows hyphens in field names, as str.format does', () => {
    const hyphen: EntryPoint = { name: 'm', command: 'run --bs={batch-size}', parameters: [{ name: 'batch-size', type: 'int', default: 32 }] };
    expect(computeCommand(hyphen, {})).toBe('run --bs=32');
  });
});

describe('paramsToLog (MLflow _create_run)', () => {
  it('logs declared params with defaults, then extras, in quoted form', () => {
    expect(paramsToLog(greeter, { excitement: '10', name: 'very happy' })).toEqual([
      { key: 'greeting', value: 'hi' },
      { key: 'name', value: "'very happy'" },
      { key: 'excitement', value: '10' },
    ]);
  });
  it('logs a path value as given, without checking or resolving it', () => {
    const line: EntryPoint = { name: 'line_count', command: 'cat {path}', parameters: [{ name: 'path', type: 'path', default: null }] };
    expect(paramsToLog(line, { path: 's3://bucket/data.csv' })).toEqual([{ key: 'path', value: 's3://bucket/data.csv' }]);
  });
  it('still checks uri values and missing parameters', () => {
    const uri: EntryPoint = { name: 'u', command: 'curl {uri}', parameters: [{ name: 'uri', type: 'uri', default: null }] };
    expect(() => paramsToLog(uri, { uri: 'relative/path' })).toThrow('Expected URI for parameter uri but got relative/path');
    expect(() => paramsToLog(greeter, {})).toThrow("No value given for missing parameters: 'name'");
  });
});
