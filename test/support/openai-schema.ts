import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import vendored from '../../src/http/openapi/openai.schemas.json';

/** The component schemas vendored from OpenAI's OpenAPI document (src/http/openapi/README.md). */
export type OpenAiSchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'CreateCompletionResponse'
  | 'CreateEmbeddingResponse'
  | 'ListModelsResponse'
  | 'Model'
  | 'ErrorResponse';

export interface SchemaOptions {
  /**
   * Strict (the default): an object whose schema lists its properties and says nothing of others
   * accepts no others (`unevaluatedProperties: false`), so a stray member fails. Members named in
   * `extensions` (the gateway's documented additions, e.g. `reasoning_content`) are let through
   * wherever they appear. `false`: only the published schema (required members, types, enums).
   */
  strict?: boolean;
  extensions?: string[];
}

type Schema = Record<string, unknown>;
const ROOT_ID = 'openai-openapi';
const compiled = new Map<string, ValidateFunction>();

/**
 * A validator for one component schema of OpenAI's OpenAPI document. The document is OpenAPI 3.1
 * (JSON Schema 2020-12) with some OpenAPI 3.0 `nullable: true` left in: those become
 * `anyOf: [schema, {type: 'null'}]`; `$ref`s resolve to `#/components/schemas/*` of the document.
 */
export function openAiSchema(name: OpenAiSchemaName, opts: SchemaOptions = {}): ValidateFunction {
  const strict = opts.strict ?? true;
  const extensions = opts.extensions ?? [];
  const key = `${name}|${strict}|${extensions.join(',')}`;
  let fn = compiled.get(key);
  if (!fn) {
    // The document's own keywords (x-oaiMeta, x-stainless-const, discriminator) and its objects
    // without `type: object` are not errors here.
    const ajv = new Ajv2020({
      allErrors: true,
      strictSchema: false,
      strictTypes: false,
      validateFormats: false,
    });
    const schemas = prepare(vendored.components.schemas as Schema, strict, extensions) as Schema;
    ajv.addSchema({ $id: ROOT_ID, components: { schemas } });
    fn = ajv.compile({ $ref: `${ROOT_ID}#/components/schemas/${name}` });
    compiled.set(key, fn);
  }
  return fn;
}

/** Jest assertion: `value` matches the schema; the failure message lists every violation. */
export function expectOpenAiShape(name: OpenAiSchemaName, value: unknown, opts?: SchemaOptions): void {
  const validate = openAiSchema(name, opts);
  if (validate(value)) return;
  const errors = (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
  throw new Error(`not an OpenAI ${name}:\n  ${errors.join('\n  ')}\n${JSON.stringify(value, null, 2)}`);
}

/**
 * A streamed OpenAI answer as OpenAI's reference sends it (providers.md §6.2): every chunk a
 * CreateChatCompletionStreamResponse with the same id and created; `choices` empty only on the last
 * chunk, which then carries the usage, and only when `include_usage` was asked for; `usage` null
 * on the other chunks then, absent without it.
 */
export function expectOpenAiStream(
  chunks: Array<Record<string, unknown>>,
  opts: SchemaOptions & { includeUsage: boolean },
): void {
  expect(chunks.length).toBeGreaterThan(0);
  for (const c of chunks) expectOpenAiShape('CreateChatCompletionStreamResponse', c, opts);
  const [first] = chunks;
  for (const c of chunks)
    expect({ id: c.id, created: c.created }).toEqual({ id: first.id, created: first.created });
  const last = chunks[chunks.length - 1];
  const body = opts.includeUsage ? chunks.slice(0, -1) : chunks;
  for (const c of body) {
    expect((c.choices as unknown[]).length).toBeGreaterThan(0);
    if (opts.includeUsage) expect(c.usage).toBeNull();
    else expect(c).not.toHaveProperty('usage');
  }
  if (opts.includeUsage) {
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(expect.objectContaining({ total_tokens: expect.any(Number) }));
  }
  const finishes = body.flatMap((c) =>
    (c.choices as Array<{ finish_reason: unknown }>).filter((ch) => ch.finish_reason !== null),
  );
  expect(finishes.length).toBeGreaterThan(0);
}

/** Reads an SSE body: the JSON of every `data:` frame, and whether it ended with `data: [DONE]`. */
export async function readSse(
  res: Response,
): Promise<{ frames: Array<Record<string, unknown>>; done: boolean }> {
  const text = await res.text();
  const data = text
    .split(/\r?\n\r?\n/)
    .map((f) => f.trim())
    .filter((f) => f.startsWith('data:'))
    .map((f) => f.slice('data:'.length).trim());
  const done = data[data.length - 1] === '[DONE]';
  return {
    frames: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>),
    done,
  };
}

function prepare(value: unknown, strict: boolean, extensions: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => prepare(v, strict, extensions));
  if (!value || typeof value !== 'object') return value;
  const { nullable, ...rest } = value as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(rest)) {
    // Property names and examples are data, not schemas.
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, prepare(s, strict, extensions)]))
        : k === 'enum' || k === 'required' || k.startsWith('x-')
          ? v
          : prepare(v, strict, extensions);
  }
  if (strict && out.properties && out.additionalProperties === undefined) {
    for (const ext of extensions) (out.properties as Schema)[ext] ??= true;
    out.unevaluatedProperties = false;
  }
  return nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}
