import type {
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  FinishReason,
  Usage,
} from '../../providers/core/canonical';
import { textOf } from '../../providers/core/content';
import { toOpenAiUsage } from '../../providers/openai-compatible/openai.usage';
import { DialectValidationError } from '../dialect-validation-error';
import { CHOICE_COUNT, optIntIn, TOKEN_LIMIT } from '../field-ranges';
import {
  optBoolean,
  optInteger,
  optNumber,
  optObject,
  optString,
  requireBodyObject,
  requireModel,
} from './openai-fields';

/** OpenAI's `max_tokens` when a legacy completion names none. */
export const DEFAULT_COMPLETION_MAX_TOKENS = 16;

/** What the legacy `POST /v1/completions` asks for, once read. */
export interface ParsedOpenAiCompletion {
  publicModel: string;
  stream: boolean;
  /** The client's body, forwarded as is on passthrough (unknown fields kept). */
  body: Record<string, unknown>;
  /**
   * The call as a canonical chat request, for a deployment that does not speak OpenAI's wire: the
   * prompt as one user message. Meaningful only without `passthroughOnly`.
   */
  request: ChatRequest;
  /** The prompt text (every prompt of an array), for the budget estimate. */
  promptText: string;
  /** Tokens given as token ids (`prompt` as token arrays), counted as they are. */
  promptTokenIds: number;
  /** Completions the call may produce: prompts × max(`n`, `best_of`) (OpenAI bills every candidate). */
  completions: number;
  /** `max_tokens`, or OpenAI's default of 16. */
  maxTokens: number;
  /** `stream_options.include_usage`. */
  includeUsage: boolean;
  /**
   * The first field only an OpenAI-wire deployment can honour (several prompts or token ids in
   * `prompt`, `suffix`, `echo`, `logprobs`, `best_of`, `n` > 1, `logit_bias`): a translated call is
   * refused with a 400 naming it.
   */
  passthroughOnly?: DialectValidationError;
}

/**
 * OpenAI legacy completions body → what the gateway needs (providers.md §6; OpenAI's
 * `CreateCompletionRequest`). Throws DialectValidationError naming the field.
 */
export function fromOpenAiCompletionRequest(raw: unknown): ParsedOpenAiCompletion {
  const body = requireBodyObject(raw);
  const publicModel = requireModel(body);
  const prompt = parsePrompt(body.prompt);
  const stream = optBoolean(body, 'stream') ?? false;
  const includeUsage = optObject(body, 'stream_options')?.include_usage === true;
  // 0 is a legal legacy `max_tokens` (echo only, passthrough only).
  const maxTokens =
    optIntIn(body.max_tokens, 'max_tokens', { ...TOKEN_LIMIT, min: 0 }) ?? DEFAULT_COMPLETION_MAX_TOKENS;
  const n = optIntIn(body.n, 'n', CHOICE_COUNT) ?? 1;
  const bestOf = optInteger(body, 'best_of', 0) ?? 1;
  if (bestOf > 20) throw new DialectValidationError(`'best_of' must be at most 20, got ${bestOf}`, 'best_of');
  const request: ChatRequest = {
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt.texts[0] ?? '' }] }],
    stream,
    streamIncludeUsage: includeUsage,
    maxTokens,
    temperature: optNumber(body, 'temperature', 0, 2),
    topP: optNumber(body, 'top_p', 0, 1),
    stop: parseStop(body.stop),
    seed: optInteger(body, 'seed', Number.MIN_SAFE_INTEGER),
    frequencyPenalty: optNumber(body, 'frequency_penalty', -2, 2),
    presencePenalty: optNumber(body, 'presence_penalty', -2, 2),
    user: optString(body, 'user'),
    // A legacy completion has no reasoning controls and no place for thoughts in its answer: a
    // translated call asks for the least thinking the model allows, so `max_tokens` buys text.
    reasoning: { effort: 'none' },
  };
  return {
    publicModel,
    stream,
    body,
    request,
    promptText: prompt.texts.join('\n'),
    promptTokenIds: prompt.tokenIds,
    completions: prompt.count * Math.max(n, bestOf),
    maxTokens,
    includeUsage,
    passthroughOnly: prompt.passthroughOnly ?? passthroughOnlyField(body, { n, bestOf, maxTokens }, stream),
  };
}

interface ParsedPrompt {
  texts: string[];
  tokenIds: number;
  /** How many prompts (each one gets its own completions). */
  count: number;
  passthroughOnly?: DialectValidationError;
}

/** `prompt`: a string, an array of strings, an array of token ids, or an array of token-id arrays. */
function parsePrompt(v: unknown): ParsedPrompt {
  if (typeof v === 'string') return { texts: [v], tokenIds: 0, count: 1 };
  if (Array.isArray(v) && v.length > 0) {
    if (v.every((p) => typeof p === 'string')) {
      const texts = v as string[];
      return {
        texts,
        tokenIds: 0,
        count: texts.length,
        passthroughOnly:
          texts.length > 1
            ? new DialectValidationError(
                `'prompt' holds ${texts.length} prompts: only an OpenAI deployment answers several prompts in one call`,
                'prompt',
              )
            : undefined,
      };
    }
    const tokenRefusal = new DialectValidationError(
      "'prompt' as token ids is served only by OpenAI deployments (other providers do not share OpenAI's tokenizer)",
      'prompt',
    );
    if (v.every(isTokenId)) return { texts: [], tokenIds: v.length, count: 1, passthroughOnly: tokenRefusal };
    if (v.every((p) => Array.isArray(p) && p.length > 0 && p.every(isTokenId))) {
      const tokenIds = (v as number[][]).reduce((sum, p) => sum + p.length, 0);
      return { texts: [], tokenIds, count: v.length, passthroughOnly: tokenRefusal };
    }
  }
  throw new DialectValidationError(
    "'prompt' must be a string, a non-empty array of strings, an array of token ids or an array of token-id arrays",
    'prompt',
  );
}

function isTokenId(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * The first field (checked for its type in any case) whose value asks for what only OpenAI's own
 * completions endpoint does; values equal to OpenAI's defaults ask for nothing.
 */
function passthroughOnlyField(
  body: Record<string, unknown>,
  counts: { n: number; bestOf: number; maxTokens: number },
  stream: boolean,
): DialectValidationError | undefined {
  const only = (field: string, what: string) =>
    new DialectValidationError(`'${field}' (${what}) is served only by OpenAI deployments`, field);
  const suffix = optString(body, 'suffix');
  const echo = optBoolean(body, 'echo');
  const logprobs = optInteger(body, 'logprobs', 0);
  const logitBias = optObject(body, 'logit_bias');
  if (logprobs !== undefined && logprobs > 5)
    throw new DialectValidationError(`'logprobs' must be at most 5, got ${logprobs}`, 'logprobs');
  if (counts.bestOf > 1 && stream)
    throw new DialectValidationError("'best_of' cannot be used with 'stream'", 'best_of');
  if (suffix) return only('suffix', 'text after the insertion');
  if (echo) return only('echo', 'the prompt echoed back');
  if (logprobs !== undefined) return only('logprobs', 'token log probabilities');
  if (counts.bestOf > 1) return only('best_of', 'candidates ranked server-side');
  if (counts.n > 1) return only('n', 'several completions of one prompt');
  if (logitBias && Object.keys(logitBias).length > 0) return only('logit_bias', 'biases by token id');
  if (counts.maxTokens === 0) return only('max_tokens', '0: no completion');
  return undefined;
}

function parseStop(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length <= 4 && v.every((s) => typeof s === 'string')) return v as string[];
  throw new DialectValidationError("'stop' must be a string or an array of up to 4 strings", 'stop');
}

/** The legacy answer's `finish_reason`: only `stop`, `length` and `content_filter` exist there. */
function toCompletionFinishReason(reason: FinishReason): 'stop' | 'length' | 'content_filter' {
  return reason === 'length' || reason === 'content_filter' ? reason : 'stop';
}

/**
 * Canonical chat answer → OpenAI `text_completion` (`CreateCompletionResponse`), with the public
 * model name (contract §9.17): each choice's text blocks joined; thinking, which the legacy shape has
 * no place for, left out.
 */
export function toOpenAiCompletion(resp: ChatResponse, publicModel: string): Record<string, unknown> {
  return {
    id: resp.id,
    object: 'text_completion',
    created: resp.created,
    model: publicModel,
    choices: resp.choices.map((c) => ({
      text: textOf(c.message.content) ?? '',
      index: c.index,
      logprobs: null,
      finish_reason: toCompletionFinishReason(c.finishReason),
    })),
    usage: resp.usage ? toOpenAiUsage(resp.usage) : undefined,
  };
}

export interface CompletionStreamOptions {
  id: string;
  created: number;
  publicModel: string;
  /** `stream_options.include_usage`: `usage: null` on every chunk, then a usage chunk (`choices: []`). */
  includeUsage: boolean;
}

/**
 * Canonical stream events → OpenAI `text_completion` chunks, as OpenAI streams legacy completions:
 * each chunk the answer's own shape with one choice holding a `text` delta (`finish_reason` null),
 * then a chunk with empty text and the finish reason, then, when the client asked for it, the usage
 * chunk (`choices: []`). Thinking, tool calls and media have no place in the legacy shape.
 */
export async function* toOpenAiCompletionChunks(
  events: AsyncIterable<ChatStreamEvent>,
  opts: CompletionStreamOptions,
): AsyncGenerator<Record<string, unknown>> {
  const base = { id: opts.id, object: 'text_completion', created: opts.created, model: opts.publicModel };
  const chunk = (index: number, text: string, finish: string | null) =>
    opts.includeUsage
      ? { ...base, choices: [{ text, index, logprobs: null, finish_reason: finish }], usage: null }
      : { ...base, choices: [{ text, index, logprobs: null, finish_reason: finish }] };
  let usage: Usage | undefined;
  for await (const ev of events) {
    if (ev.type === 'text') yield chunk(ev.choice, ev.text, null);
    else if (ev.type === 'finish') yield chunk(ev.choice, '', toCompletionFinishReason(ev.reason));
    else if (ev.type === 'usage') usage = ev.usage;
  }
  if (opts.includeUsage && usage) yield { ...base, choices: [], usage: toOpenAiUsage(usage) };
}
