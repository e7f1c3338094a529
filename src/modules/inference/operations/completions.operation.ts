import { randomUUID } from 'node:crypto';
import type { DialectValidationError } from '../../../dialects/dialect-validation-error';
import {
  fromOpenAiCompletionRequest,
  toOpenAiCompletion,
  toOpenAiCompletionChunks,
} from '../../../dialects/openai/openai-completions';
import type { ChatRequest, ChatStreamEvent } from '../../../providers/core/canonical';
import type { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { formatSse } from '../../../providers/core/sse';
import { estimateTextPromptTokens } from '../../../providers/core/token-estimate';
import { reserveEstimateNano } from '../../usage/pricing/reserve-estimate';
import type { OpenAiChatHandler } from '../openai-chat.handler';
import { openAiWireOnly } from './openai-wire-only';
import type { Operation, ResponseContext } from '../pipeline/operation';
import { parseChunk, peekFirst, tap } from '../pipeline/streams';

/** A legacy completion call, as the operation carries it from parse to attempt. */
export interface CompletionCall {
  /** The prompt as one user message, for a deployment that does not speak OpenAI's wire. */
  chat: ChatRequest;
  /** Output tokens reserved: `max_tokens` (default 16) × the completions the call may produce. */
  reserveOutputTokens: number;
  /** Set when only an OpenAI-wire deployment can serve the call (see ParsedOpenAiCompletion). */
  passthroughOnly?: DialectValidationError;
}

const OPERATION = 'completions';

/**
 * OpenAI legacy `POST /v1/completions`, JSON or SSE: passed through (raw body, usage read) to a
 * deployment whose passthrough wire is OpenAI's, translated through the adapter's chat codec (the
 * prompt as one user message, the answer's text as the completion) for any other. A call only OpenAI
 * can serve (several prompts, token ids, `suffix`, `echo`, `logprobs`, `best_of`, `n` > 1,
 * `logit_bias`) is routed to the model's OpenAI-wire deployments only, or refused with a 400 naming
 * the field. `openai` frames passthrough answers (public model name, usage chunk only when asked).
 */
export function completionsOperation(
  client: ProviderClient,
  openai: OpenAiChatHandler,
): Operation<CompletionCall> {
  return {
    name: OPERATION,
    wire: 'openai',
    parse(body) {
      const p = fromOpenAiCompletionRequest(body);
      return {
        publicModel: p.publicModel,
        stream: p.stream,
        body: p.body,
        request: {
          chat: p.request,
          reserveOutputTokens: p.maxTokens * p.completions,
          passthroughOnly: p.passthroughOnly,
        },
        endpoint: OPERATION,
        promptTokens: p.promptTokenIds + (p.promptText ? estimateTextPromptTokens(p.promptText) : 0),
        clientWantsStreamUsage: p.includeUsage,
        streamFormat: 'sse',
      };
    },
    reserveNano: (parsed, rates) =>
      reserveEstimateNano(parsed.promptTokens, parsed.request.reserveOutputTokens, rates, false),
    onResolved: (resolved, parsed) => {
      const refusal = parsed.request.passthroughOnly;
      return refusal ? openAiWireOnly(resolved, refusal.message, refusal.param) : resolved;
    },
    async attempt({ adapter, parsed, ctx, rctx, meter, signal }) {
      const codec = adapter.passthrough;
      if (codec?.wire === 'openai') {
        const result = await client.passthrough(codec, OPERATION, parsed.body, ctx, parsed.stream, signal);
        if (result.events) {
          const events = await peekFirst(result.events);
          const observed = tap(events, (ev) => {
            const chunk = parseChunk(ev.data);
            meter.observeChunk(chunk);
            meter.usage(codec.usageFromStreamChunk(OPERATION, chunk));
          });
          return { kind: 'stream', format: 'sse', frames: openai.passthroughStream(observed, rctx) };
        }
        meter.usage(codec.usageFromResponse(OPERATION, result.body));
        return { kind: 'json', body: openai.passthroughJson(result.body, rctx, result.text) };
      }
      const refusal = parsed.request.passthroughOnly;
      if (refusal)
        throw new ProviderError({ kind: 'unsupported', param: refusal.param, message: refusal.message });
      const request = parsed.request.chat;
      if (parsed.stream) {
        const events = meter.watch(await peekFirst(await client.stream(adapter, request, ctx, signal)));
        return { kind: 'stream', format: 'sse', frames: completionSseFrames(events, rctx) };
      }
      const resp = await client.complete(adapter, request, ctx, signal);
      meter.usage(resp.usage);
      return { kind: 'json', body: toOpenAiCompletion(resp, rctx.publicModel) };
    },
  };
}

/** A translated stream as `text_completion` SSE frames, ended by `data: [DONE]`. */
async function* completionSseFrames(
  events: AsyncIterable<ChatStreamEvent>,
  ctx: ResponseContext,
): AsyncIterable<string> {
  const chunks = toOpenAiCompletionChunks(events, {
    id: `cmpl-${randomUUID().replace(/-/g, '')}`,
    created: Math.floor(Date.now() / 1000),
    publicModel: ctx.publicModel,
    includeUsage: ctx.clientWantsStreamUsage,
  });
  for await (const c of chunks) yield formatSse(JSON.stringify(c));
  yield 'data: [DONE]\n\n';
}
