import type { ChatMessage, ChatRequest } from '../../../providers/core/canonical';
import type { ProviderAdapter } from '../../../providers/core/adapter';
import { estimatePromptTokens } from '../../../providers/core/token-estimate';
import { responsesInputToMessages } from '../../../dialects/openai-responses/responses.request';
import { newResponseId, toResponsesObject } from '../../../dialects/openai-responses/responses.response';
import type { Identity } from '../../auth/identity';
import type { ParsedResponsesCall, ResponsesChatHandler } from '../responses-chat.handler';
import type { Attempt, AttemptOutcome, Operation, ParsedCall } from '../pipeline/operation';
import { parseChunk, peekFirst, tap } from '../pipeline/streams';
import type { ResponseStore } from '../responses/response-store';
import { chatOperation, type ChatOperationDeps } from './chat.operation';

type Json = Record<string, unknown>;

/** Output item types that become turns of a stored conversation (others are left out of it). */
const CONTINUED_ITEMS = new Set(['message', 'function_call', 'reasoning']);

/**
 * `POST /v1/responses`. Passed through (body as sent, `/responses`) only to deployments of provider
 * `openai` — openai-compatible, DeepSeek and Azure deployments may lack `/responses` — and only when
 * the call has no `previous_response_id`; every other call is translated through the canonical chat
 * schema. `previous_response_id` is always expanded by the gateway (the stored conversation of the
 * calling key's response, its instructions left out, before this call's turns) and the expanded call
 * translated, so continuation works on every provider and never depends on an upstream's storage.
 * With `store` (the default) the answer is saved once metered: a JSON answer in `completed`, a stream
 * after its terminal `response.completed` event.
 */
export function responsesOperation(
  handler: ResponsesChatHandler,
  deps: ChatOperationDeps,
  store: ResponseStore,
): Operation<ChatRequest> {
  const base = chatOperation('responses', handler, deps);
  return {
    ...base,
    parse: (body) => handler.parse(body),
    authorize(identity, parsed) {
      const own = base.authorize?.(identity, parsed);
      const previous = responsesCall(parsed).previousResponseId;
      if (!previous) return own;
      return (async () => {
        await own;
        const row = await store.owned(identity, previous, 'previous_response_id');
        parsed.request.messages = continued(row.conversation, parsed.request.messages);
        // Reserved on the call's own input already; estimates from here on count the whole conversation.
        parsed.promptTokens = estimatePromptTokens(parsed.request);
      })();
    },
    attempt: (a) => attemptResponses(handler, deps, store, a),
    async completed({ parsed, identity }, body) {
      const call = responsesCall(parsed);
      if (call.store && body && typeof body === 'object') await save(store, identity, call, body as Json);
      return body;
    },
  };
}

/** The stored turns (their system messages dropped) between this call's system messages and its turns. */
export function continued(stored: ChatMessage[], current: ChatMessage[]): ChatMessage[] {
  const system = current.filter((m) => m.role === 'system');
  const rest = current.filter((m) => m.role !== 'system');
  return [...system, ...stored.filter((m) => m.role !== 'system'), ...rest];
}

function responsesCall(parsed: ParsedCall<ChatRequest>): ParsedResponsesCall {
  return parsed as ParsedResponsesCall;
}

/** Passthrough only to provider `openai`, and never for a continuation (expanded by the gateway). */
function passesThrough(adapter: ProviderAdapter, call: ParsedResponsesCall, provider: string): boolean {
  return adapter.passthrough?.wire === 'openai' && provider === 'openai' && !call.previousResponseId;
}

async function attemptResponses(
  handler: ResponsesChatHandler,
  deps: ChatOperationDeps,
  store: ResponseStore,
  { adapter, parsed, info, identity, ctx, rctx, meter, signal }: Attempt<ChatRequest>,
): Promise<AttemptOutcome> {
  const call = responsesCall(parsed);
  const check = deps.validator.forRequest(parsed.request);
  // A passthrough stream is not checked (its text is not collected); everything else is.
  if (check && !(parsed.stream && passesThrough(adapter, call, ctx.deployment.provider)))
    rctx.answerCheck = check;
  const saveStream = (response: Json) =>
    call.store ? save(store, identity, call, response) : Promise.resolve();

  if (adapter.passthrough && passesThrough(adapter, call, ctx.deployment.provider)) {
    const codec = adapter.passthrough;
    const result = await deps.client.passthrough(codec, 'responses', parsed.body, ctx, parsed.stream, signal);
    if (result.events) {
      let final: Json | undefined;
      const observed = tap(await peekFirst(result.events), (ev) => {
        const chunk = parseChunk(ev.data);
        meter.observeChunk(chunk);
        meter.usage(codec.usageFromStreamChunk('responses', chunk));
        if (ev.event === 'response.completed' || (chunk as Json | undefined)?.type === 'response.completed')
          final = (chunk as { response?: Json }).response;
      });
      const frames = async function* (): AsyncIterable<string> {
        yield* handler.passthroughStream(observed, rctx);
        if (final) {
          final.model = rctx.publicModel;
          await saveStream(final);
        }
      };
      return { kind: 'stream', format: 'sse', frames: frames() };
    }
    meter.usage(codec.usageFromResponse('responses', result.body));
    return { kind: 'json', body: handler.passthroughJson(result.body, rctx) };
  }

  const request = await deps.preparer.prepare(adapter, parsed.request, ctx, identity, info.model, signal);
  const header = {
    id: newResponseId(),
    publicModel: rctx.publicModel,
    createdAt: Math.floor(Date.now() / 1000),
    ...(call.previousResponseId ? { previousResponseId: call.previousResponseId } : {}),
  };
  if (parsed.stream) {
    const events = meter.watch(await peekFirst(await deps.client.stream(adapter, request, ctx, signal)));
    return {
      kind: 'stream',
      format: 'sse',
      frames: handler.renderStream(check ? check.watch(events) : events, rctx, header, saveStream),
      check,
    };
  }
  const resp = await deps.client.complete(adapter, request, ctx, signal);
  meter.usage(resp.usage);
  deps.validator.check(request, resp);
  return { kind: 'json', body: toResponsesObject(resp, header) };
}

/** Saves a Response with the conversation that continues it: this call's turns, then its output's. */
async function save(store: ResponseStore, identity: Identity, call: ParsedResponsesCall, response: Json) {
  if (typeof response.id !== 'string') return;
  const output = Array.isArray(response.output)
    ? (response.output as Json[]).filter((i) => CONTINUED_ITEMS.has(String(i?.type)))
    : [];
  let answer: ChatMessage[] = [];
  try {
    answer = responsesInputToMessages(output, 'output');
  } catch {
    // An output item this gateway cannot read back: the continuation has the input turns only.
  }
  await store.save(identity, {
    id: response.id,
    model: call.publicModel,
    conversation: [...call.request.messages, ...answer],
    response,
  });
}
