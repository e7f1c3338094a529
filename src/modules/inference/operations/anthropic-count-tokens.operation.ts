import { anthropicCountTokensAnswer } from '../../../dialects/anthropic/anthropic.request';
import type { ChatRequest } from '../../../providers/core/canonical';
import type { ProviderClient } from '../../../providers/core/provider-client';
import type { AnthropicChatHandler } from '../anthropic-chat.handler';
import type { Operation } from '../pipeline/operation';

/**
 * `POST /v1/messages/count_tokens`: counted by the deployment when it speaks Anthropic's wire (the
 * body forwarded as is, with the client's version and beta headers), else estimated locally (the same
 * estimate rate limits use). Admitted like any call; costs nothing.
 */
export function anthropicCountTokensOperation(
  anthropic: AnthropicChatHandler,
  client: ProviderClient,
): Operation<ChatRequest> {
  return {
    name: 'messages.countTokens',
    wire: 'anthropic',
    parse: (body) => anthropic.parseCountTokens(body),
    forwardHeaders: (headers) => anthropic.forwardHeaders(headers),
    reserveNano: () => 0,
    async attempt({ adapter, parsed, ctx, meter, signal }) {
      const codec = adapter.passthrough;
      if (codec?.wire === 'anthropic') {
        const result = await client.passthrough(
          codec,
          parsed.endpoint,
          parsed.body,
          ctx,
          false,
          signal,
          parsed.forwardHeaders,
        );
        meter.usage({ promptTokens: 0, completionTokens: 0 });
        return { kind: 'json', body: result.body };
      }
      meter.usage({ promptTokens: 0, completionTokens: 0 });
      return { kind: 'json', body: anthropicCountTokensAnswer(parsed.promptTokens) };
    },
  };
}
