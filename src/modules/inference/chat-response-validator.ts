import { Injectable } from '@nestjs/common';
import Ajv, { type Options, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { GatewayError } from '../../common/errors/gateway-error';
import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../providers/core/canonical';
import { textOf } from '../../providers/core/content';

const MAX_COMPILED = 500;

/**
 * Checks an answer against the request's response schema when `enforce_validation` is set (contract
 * §9.23, LiteLLM's JSONSchemaValidationError): the first choice's content must be JSON matching the
 * schema, else 502 `response_schema_validation_failed` with the raw answer in `error.raw_response`.
 * `forRequest` gives the check of one request's answer, on every path: translated or passed through,
 * whole or streamed (checked once the stream has ended). Schemas are compiled once (ajv) and kept by
 * their JSON text.
 */
@Injectable()
export class ChatResponseValidator {
  private readonly ajv = {
    draft7: new Ajv(AJV_OPTIONS),
    draft2019: new Ajv2019(AJV_OPTIONS),
    draft2020: new Ajv2020(AJV_OPTIONS),
  };
  private readonly compiled = new Map<string, ValidateFunction | Error>();

  check(req: ChatRequest, resp: ChatResponse): void {
    const failure = this.forRequest(req)?.failureOf(textOf(resp.choices[0]?.message.content ?? []) ?? '');
    if (failure) throw failure;
  }

  /** The check of the request's answer, or undefined when it asks for none (nothing is collected then). */
  forRequest(req: ChatRequest): AnswerCheck | undefined {
    const format = req.responseFormat;
    if (format?.type !== 'json_schema' || !format.enforceValidation) return undefined;
    return new AnswerCheck((raw) => this.failureOf(format.schema, raw));
  }

  private failureOf(schema: Record<string, unknown>, raw: string): GatewayError | undefined {
    const validate = this.compile(schema);
    if (validate instanceof Error)
      return failed(`the response schema cannot be compiled: ${validate.message}`, raw);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return failed('the response is not valid JSON', raw);
    }
    if (validate(value)) return undefined;
    const errors = (validate.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    return failed(`the response does not match the response schema: ${errors}`, raw);
  }

  private compile(schema: Record<string, unknown>): ValidateFunction | Error {
    const key = JSON.stringify(schema);
    let fn = this.compiled.get(key);
    if (!fn) {
      try {
        fn = this.ajvFor(schema).compile(normalizeTypes(schema));
      } catch (err) {
        fn = err instanceof Error ? err : new Error(String(err));
      }
      if (this.compiled.size >= MAX_COMPILED) this.evictOldest();
      this.compiled.set(key, fn);
    }
    return fn;
  }

  private evictOldest(): void {
    const oldest = this.compiled.keys().next().value as string;
    const fn = this.compiled.get(oldest);
    this.compiled.delete(oldest);
    if (fn && !(fn instanceof Error) && typeof fn.schema === 'object')
      this.ajvFor(fn.schema as Record<string, unknown>).removeSchema(fn.schema);
  }

  /** The draft named by `$schema` (2019-09, 2020-12), else draft-07 (what OpenAI's examples use). */
  private ajvFor(schema: Record<string, unknown>): Ajv {
    const id = typeof schema.$schema === 'string' ? schema.$schema : '';
    if (id.includes('2020-12')) return this.ajv.draft2020;
    if (id.includes('2019-09')) return this.ajv.draft2019;
    return this.ajv.draft7;
  }
}

/**
 * The response-schema check of one answer: `failureOf` a whole answer's text; for a stream, the first
 * choice's text is collected (`watch` for canonical events, `add` for passthrough chunks) and
 * `failure` tells, once the stream has ended, the error the dialect ends the stream with.
 */
export class AnswerCheck {
  private text = '';
  private outcome?: { failure: GatewayError | undefined };

  constructor(readonly failureOf: (raw: string) => GatewayError | undefined) {}

  add(text: string): void {
    this.text += text;
  }

  async *watch(events: AsyncIterable<ChatStreamEvent>): AsyncGenerator<ChatStreamEvent> {
    for await (const ev of events) {
      if (ev.type === 'text' && ev.choice === 0) this.text += ev.text;
      yield ev;
    }
  }

  /** The streamed answer's error, if any; checked once, when first asked after the stream ended. */
  failure(): GatewayError | undefined {
    this.outcome ??= { failure: this.failureOf(this.text) };
    return this.outcome.failure;
  }
}

const AJV_OPTIONS: Options = { allErrors: true, strict: false, validateFormats: false, addUsedSchema: false };

/** Gemini-style (OpenAPI) schemas spell types in capitals ("OBJECT"); JSON Schema wants them lower-case. */
function normalizeTypes(schema: unknown): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'type' && typeof x === 'string') out[k] = x.toLowerCase();
      else if (k === 'type' && Array.isArray(x))
        out[k] = x.map((t) => (typeof t === 'string' ? t.toLowerCase() : t));
      else if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples') out[k] = x;
      else out[k] = walk(x);
    }
    return out;
  };
  return walk(schema) as Record<string, unknown>;
}

function failed(message: string, raw: string): GatewayError {
  return new GatewayError('response_schema_validation_failed', message, {
    status: 502,
    extra: { raw_response: raw },
  });
}
