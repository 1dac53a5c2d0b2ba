import { describe, expect, it } from 'vitest';
import { Message } from '../src/http/message.js';
import { parseJsonBody, parseQueryString, stringifyResponse } from '../src/http/wire.js';

describe('request decoding', () => {
  it('collects repeated keys, k[] and k[0] forms into arrays', () => {
    expect(parseQueryString('experiment_ids=1&experiment_ids=2&order_by=name+DESC')).toEqual({ experiment_ids: ['1', '2'], order_by: ['name DESC'] });
    expect(parseQueryString('experiment_ids[]=1&experiment_ids[]=2')).toEqual({ experiment_ids: ['1', '2'] });
    expect(parseQueryString('experiment_ids[0]=1&experiment_ids[1]=3&filter=a%20%3D%20%271%27')).toEqual({ experiment_ids: ['1', '3'], filter: ["a = '1'"] });
  });

  it('reads snake_case or camelCase, int64 as number or string, doubles incl. NaN/Infinity strings, enums by name or number', () => {
    const msg = Message.fromJson({ runId: 'r', start_time: '1700000000000', step: 3, value: '-Infinity', other: 'NaN', status: 3, view: 'ALL', missing: null });
    expect(msg.requiredOneOf('run_id', 'run_uuid')).toBe('r');
    expect(msg.int('start_time')).toBe(1700000000000);
    expect(msg.int('step')).toBe(3);
    expect(msg.double('value')).toBe(-Infinity);
    expect(Number.isNaN(msg.double('other'))).toBe(true);
    expect(msg.enumValue('status', [undefined, 'RUNNING', 'SCHEDULED', 'FINISHED'])).toBe('FINISHED');
    expect(msg.enumValue('view', [undefined, 'ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'])).toBe('ALL');
    expect(msg.string('missing')).toBeUndefined();
    expect(() => msg.int('value')).toThrow(/expected an integer/);
    expect(() => msg.requiredString('absent')).toThrow(/Missing value for required parameter 'absent'/);
  });

  it('reads query messages: first value for scalars, all for lists, booleans in any case', () => {
    const msg = Message.fromQuery(parseQueryString('run_id=a&run_id=b&allow_deleted=TRUE&experiment_ids=1&experiment_ids=2'));
    expect(msg.string('run_id')).toBe('a');
    expect(msg.strings('experiment_ids')).toEqual(['1', '2']);
    expect(msg.bool('allow_deleted')).toBe(true);
    expect(() => Message.fromQuery(parseQueryString('allow_deleted=yes')).bool('allow_deleted')).toThrow(/true or false/);
  });

  it('reads empty, broken and double-encoded JSON bodies leniently', () => {
    expect(parseJsonBody(undefined)).toEqual({});
    expect(parseJsonBody(Buffer.from(''))).toEqual({});
    expect(parseJsonBody(Buffer.from('{broken'))).toEqual({});
    expect(parseJsonBody(Buffer.from(JSON.stringify(JSON.stringify({ name: 'x' }))))).toEqual({ name: 'x' });
  });

  it('writes NaN and ±Infinity as strings and leaves out undefined fields', () => {
    expect(stringifyResponse({ a: Number.NaN, b: Infinity, c: -Infinity, d: 1.5, e: undefined })).toBe('{"a":"NaN","b":"Infinity","c":"-Infinity","d":1.5}');
  });
});
