import { randomUUID } from 'node:crypto';
import type { ChatRequest } from '../../../providers/core/canonical';
import type { ProviderClient } from '../../../providers/core/provider-client';
import { reserveEstimateNano } from '../../usage/pricing/reserve-estimate';
import type { ChatDialect } from '../chat-dialect';
import type { ChatRequestPreparer } from '../chat-request-preparer';
import type { ChatResponseValidator } from '../chat-response-validator';
import type { Attempt, AttemptOutcome, Operation, OperationName } from '../pipeline/operation';
import { cachedContentNamedBy } from '../preparation/gemini-cache-access';
import type { GeminiCacheRegistry } from '../preparation/gemini-cache-registry';
import { parseChunk, peekFirst, tap } from '../pipeline/streams';
import { requireOwnCache } from './cache-owner-check';

export interface ChatOperationDeps {
  client: ProviderClient;
  preparer: ChatRequestPreparer;
  validator: ChatResponseValidator;
  caches: GeminiCacheRegistry;
}

/** Output tokens reserved when the request names no limit and the model no default. */
export const DEFAULT_RESERVE_OUTPUT_TOKENS = 4096;

/**
 * A chat operation in one client dialect (OpenAI chat completions, Google generateContent): passed
 * through to a deployment speaking the dialect's wire format, translated through the canonical schema
 * (the adapter's chat codec) for any other.
 */
export function chatOperation(
  name: OperationName,
  dialect: ChatDialect,
  deps: ChatOperationDeps,
): Operation<ChatRequest> {
  return {
    name,
    wire: dialect.wire,
    parse: (body, params, query) => dialect.parse(body, params, query),
    ...(dialect.forwardHeaders ? { forwardHeaders: (h) => dialect.forwardHeaders!(h) } : {}),
    reserveNano(parsed, rates, resolved) {
      const req = parsed.request;
      const output =
        req.maxTokens ??
        Number(resolved.model.settings.default_reserve_output_tokens ?? DEFAULT_RESERVE_OUTPUT_TOKENS);
      const audio = req.audio !== undefined || req.modalities?.includes('audio') === true;
      return reserveEstimateNano(parsed.promptTokens, output, rates, audio);
    },
    onResolved(resolved, parsed) {
      if (resolved.noThink) parsed.request.reasoning = { ...parsed.request.reasoning, effort: 'none' };
      return resolved;
    },
    authorize: (identity, parsed) =>
      requireOwnCache(deps.caches, identity, cachedContentNamedBy(parsed.request)),
    attempt: (a) => attemptChat(dialect, deps, a),
  };
}

async function attemptChat(
  dialect: ChatDialect,
  deps: ChatOperationDeps,
  { adapter, parsed, info, identity, ctx, rctx, meter, signal }: Attempt<ChatRequest>,
): Promise<AttemptOutcome> {
  const check = deps.validator.forRequest(parsed.request);
  if (check) rctx.answerCheck = check;
  if (adapter.passthrough && adapter.passthrough.wire === dialect.wire) {
    const codec = adapter.passthrough;
    const operation = parsed.endpoint;
    const result = await deps.client.passthrough(
      codec,
      operation,
      parsed.body,
      ctx,
      parsed.stream,
      signal,
      parsed.forwardHeaders,
    );
    if (result.events) {
      const events = await peekFirst(result.events);
      // A wire that spreads usage over events (Anthropic) merges it per stream; others read each chunk.
      const usageSoFar = codec.streamUsage?.(operation);
      let chunk: unknown;
      const observed = tap(
        events,
        (ev) => {
          chunk = parseChunk(ev.data);
          meter.observeChunk(chunk);
          meter.usage(usageSoFar ? usageSoFar.add(chunk) : codec.usageFromStreamChunk(operation, chunk));
        },
        codec.streamComplete && (() => codec.streamComplete!(operation, chunk)),
      );
      return {
        kind: 'stream',
        format: rctx.streamFormat,
        frames: dialect.passthroughStream(observed, rctx),
        check,
        failureFrame: (err) => dialect.failureFrame?.(err, rctx),
      };
    }
    meter.usage(codec.usageFromResponse(operation, result.body));
    return { kind: 'json', body: dialect.passthroughJson(result.body, rctx, result.text) };
  }
  const request = await deps.preparer.prepare(adapter, parsed.request, ctx, identity, info.model, signal);
  if (parsed.stream) {
    const events = meter.watch(await peekFirst(await deps.client.stream(adapter, request, ctx, signal)));
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    return {
      kind: 'stream',
      format: rctx.streamFormat,
      frames: dialect.toSseFrames(check ? check.watch(events) : events, rctx, id),
      check,
      failureFrame: (err) => dialect.failureFrame?.(err, rctx),
    };
  }
  const resp = await deps.client.complete(adapter, request, ctx, signal);
  meter.usage(resp.usage);
  deps.validator.check(request, resp);
  return { kind: 'json', body: dialect.toJson(resp, rctx) };
}
