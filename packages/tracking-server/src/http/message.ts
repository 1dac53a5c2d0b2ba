import { invalidParameter } from '@mlproject/tracking';

const camelNames = new Map<string, string>();
/** `run_id` -> `runId`, memoised: handlers ask for the same few field names on every request. */
function camel(snake: string): string {
  let name = camelNames.get(snake);
  if (name === undefined) {
    name = snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (camelNames.size < 1000) camelNames.set(snake, name);
  }
  return name;
}

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN, nan: Number.NaN, Infinity: Infinity, '+Infinity': Infinity, inf: Infinity, '-Infinity': -Infinity, '-inf': -Infinity,
};

/**
 * A request message read the way MLflow's server reads protobuf JSON (`handlers._get_request_message`,
 * `mlflow-rest-api.md` §1.2-1.3): snake_case or lowerCamelCase names, `null` as absent, int64 as
 * number or numeric string, doubles also as `"NaN"`/`"Infinity"`/`"-Infinity"`, enums as name or
 * number. Query-string messages hold string arrays (repeated keys); a scalar reads the first value.
 * Type errors are TrackingError INVALID_PARAMETER_VALUE naming the field.
 */
export class Message {
  private constructor(private readonly fields: Record<string, unknown>, private readonly fromQuery: boolean) {}

  /** From a parsed query string (every value an array of strings). */
  static fromQuery(query: Record<string, string[]>): Message {
    return new Message(query, true);
  }

  /** From a JSON body; anything that is not an object reads as `{}`. */
  static fromJson(body: unknown): Message {
    const object = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    return new Message(object, false);
  }

  /** A copy with `values` (e.g. path parameters) taking precedence. */
  with(values: Record<string, string>): Message {
    const extra = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, this.fromQuery ? [v] : v]));
    return new Message({ ...this.fields, ...extra }, this.fromQuery);
  }

  private raw(name: string): unknown {
    let value = this.fields[name];
    if (value === undefined || value === null) value = this.fields[camel(name)];
    if (value === null) return undefined;
    if (this.fromQuery && Array.isArray(value)) return value.length === 0 ? undefined : value[0];
    return value;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected a string.`);
  }

  /** A required string: present and not empty, as MLflow's `_assert_required`. */
  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') {
      throw invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    }
    return value;
  }

  /** The first present, non-empty of several names (e.g. `run_id`, then the deprecated `run_uuid`). */
  requiredOneOf(...names: string[]): string {
    for (const name of names) {
      const value = this.string(name);
      if (value !== undefined && value !== '') return value;
    }
    return this.requiredString(names[0] ?? '');
  }

  int(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^[-+]?\d+$/.test(value.trim()) && Number.isSafeInteger(Number(value))) return Number(value);
    throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected an integer.`);
  }

  requiredInt(name: string): number {
    const value = this.int(name);
    if (value === undefined) throw invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    return value;
  }

  double(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'number') return value;
    if (typeof value === 'string') {
      const special = NON_FINITE[value.trim()];
      if (special !== undefined) return special;
      if (value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    }
    throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected a double.`);
  }

  bool(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected true or false.`);
  }

  /** An enum by name or by proto number (`numbers[i]` is the name of value i). */
  enumValue<T extends string>(name: string, numbers: readonly (T | undefined)[]): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const byNumber = typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value)) ? numbers[Number(value)] : undefined;
    if (byNumber !== undefined) return byNumber;
    if (typeof value === 'string' && (numbers as readonly unknown[]).includes(value)) return value as T;
    throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected one of ${numbers.filter(Boolean).join(', ')}.`);
  }

  /** A repeated string field; absent is empty. */
  strings(name: string): string[] {
    let value = this.fields[name] ?? this.fields[camel(name)];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) value = [value];
    return (value as unknown[]).map((v) => {
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return String(v);
      throw invalidParameter(`Invalid value ${JSON.stringify(v)} in parameter '${name}' supplied: expected strings.`);
    });
  }

  /** A repeated message field; absent is empty. */
  messages(name: string): Message[] {
    let value = this.fields[name] ?? this.fields[camel(name)];
    if (value === undefined || value === null) return [];
    if (this.fromQuery) throw invalidParameter(`Parameter '${name}' cannot be given in a query string.`);
    if (!Array.isArray(value)) value = [value];
    return (value as unknown[]).map((v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw invalidParameter(`Invalid value ${JSON.stringify(v)} in parameter '${name}' supplied: expected objects.`);
      }
      return new Message(v as Record<string, unknown>, false);
    });
  }

  /** A nested message field; absent reads as an empty message. */
  message(name: string): Message {
    const value = this.fromQuery ? undefined : this.raw(name);
    if (value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
      throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected an object.`);
    }
    return new Message((value as Record<string, unknown> | undefined) ?? {}, false);
  }
}
