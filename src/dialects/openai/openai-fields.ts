import { DialectValidationError } from '../dialect-validation-error';

/** Small typed readers for OpenAI request fields; each failure names the field. */
export function optNumber(
  body: Record<string, unknown>,
  key: string,
  min?: number,
  max?: number,
): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new DialectValidationError(`'${key}' must be a number`, key);
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    throw new DialectValidationError(
      `'${key}' must be between ${min ?? '-∞'} and ${max ?? '∞'}, got ${v}`,
      key,
    );
  }
  return v;
}

export function optInteger(body: Record<string, unknown>, key: string, min = 0): number | undefined {
  const v = optNumber(body, key);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min)
    throw new DialectValidationError(`'${key}' must be an integer ≥ ${min}, got ${v}`, key);
  return v;
}

export function optBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new DialectValidationError(`'${key}' must be a boolean`, key);
  return v;
}

export function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new DialectValidationError(`'${key}' must be a string`, key);
  return v;
}

export function optObject(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new DialectValidationError(`'${key}' must be an object`, key);
  return v as Record<string, unknown>;
}

export function requireBodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DialectValidationError('Request body must be a JSON object', 'body');
  }
  return body as Record<string, unknown>;
}

export function requireModel(body: Record<string, unknown>): string {
  const model = body.model;
  if (model === undefined || model === null || model === '') {
    throw new DialectValidationError("Missing required parameter: 'model'", 'model');
  }
  if (typeof model !== 'string') throw new DialectValidationError("'model' must be a string", 'model');
  return model;
}
