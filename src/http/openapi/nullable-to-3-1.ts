type Json = Record<string, unknown>;

/**
 * Rewrites OpenAPI 3.0's `nullable: true` the way OpenAPI 3.1 (JSON Schema 2020-12) says it:
 * `{type: X, nullable: true}` → `{type: [X, 'null']}` (an enum gains `null`), and a nullable schema
 * without a `type` (a `$ref`, a composition) → `{anyOf: [that schema, {type: 'null'}]}`. @nestjs/swagger
 * writes `nullable` even into a 3.1 document, and OpenAI's published 3.1 schemas still use it.
 */
export function nullableTo31<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => nullableTo31(v)) as T;
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) if (k !== 'nullable') out[k] = nullableTo31(v);
  if ((value as Json).nullable !== true) return out as T;
  if (out.type === undefined) {
    const { description, ...schema } = out;
    return { ...(description !== undefined ? { description } : {}), anyOf: [schema, { type: 'null' }] } as T;
  }
  const types = Array.isArray(out.type) ? out.type : [out.type];
  out.type = types.includes('null') ? types : [...types, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out as T;
}
