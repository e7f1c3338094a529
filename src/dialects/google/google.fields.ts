import { DialectValidationError } from '../dialect-validation-error';

/**
 * Typed readers for Gemini request fields. Google's JSON parser accepts both the camelCase and the
 * original snake_case field names (`inlineData` / `inline_data`), so every read tries both. Each
 * failure names the field by its path (`contents[1].parts[0].inlineData.mimeType`).
 */
export type Obj = Record<string, unknown>;

export function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** `o.fooBar ?? o.foo_bar`. */
export function field(o: Obj, key: string): unknown {
  const v = o[key];
  return v !== undefined ? v : o[snakeCase(key)];
}

export function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function fail(path: string, message: string): never {
  throw new DialectValidationError(`Invalid value at '${path}': ${message}`, path);
}

export function optObj(o: Obj, key: string, path: string): Obj | undefined {
  const v = field(o, key);
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail(path, 'expected an object');
  return v;
}

export function optArray(o: Obj, key: string, path: string): unknown[] | undefined {
  const v = field(o, key);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(path, 'expected an array');
  return v;
}

export function optString(o: Obj, key: string, path: string): string | undefined {
  const v = field(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(path, 'expected a string');
  return v;
}

export function optBool(o: Obj, key: string, path: string): boolean | undefined {
  const v = field(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(path, 'expected a boolean');
  return v;
}

export function optNumber(o: Obj, key: string, path: string, min?: number, max?: number): number | undefined {
  const v = field(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'expected a number');
  if ((min !== undefined && v < min) || (max !== undefined && v > max))
    fail(path, `must be between ${min ?? '-∞'} and ${max ?? '∞'}`);
  return v;
}

export function optInt(o: Obj, key: string, path: string, min?: number): number | undefined {
  const v = optNumber(o, key, path, min);
  if (v !== undefined && !Number.isInteger(v)) fail(path, 'expected an integer');
  return v;
}

/** Refuses keys Gemini does not know, as Google does ("Unknown name …: Cannot find field"). */
export function rejectUnknown(o: Obj, known: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(o)) {
    const name = camelCase(key);
    const path = prefix ? `${prefix}.${key}` : key;
    if (!known.has(name))
      throw new DialectValidationError(
        `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`,
        path,
      );
    if (name !== key && Object.hasOwn(o, name)) throw givenTwice(name, key, path);
  }
}

/**
 * `field(o, key)` for a body forwarded upstream as is: a field given under both spellings is
 * refused, since what Google would read could then differ from what the gateway checked.
 */
export function fieldOnce(o: Obj, key: string, path: string): unknown {
  const snake = snakeCase(key);
  if (snake !== key && Object.hasOwn(o, key) && Object.hasOwn(o, snake)) throw givenTwice(key, snake, path);
  return field(o, key);
}

function givenTwice(camel: string, snake: string, path: string): DialectValidationError {
  return new DialectValidationError(
    `Invalid JSON payload received. Field "${camel}" is given twice (also as "${snake}").`,
    path,
  );
}
