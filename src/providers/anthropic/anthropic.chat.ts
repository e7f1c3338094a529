import type { ChatCodec } from '../core/adapter';
import { parseAnthropicError } from './anthropic.errors';
import { anthropicPost } from './anthropic.http';
import { toAnthropicRequest } from './anthropic.request';
import { fromAnthropicResponse } from './anthropic.response';
import { fromAnthropicStream } from './anthropic.stream';

/**
 * The Anthropic chat codec: canonical request → `POST {base}/v1/messages` with `x-api-key` and
 * `anthropic-version: 2023-06-01`; answers, streams and errors back to canonical. Pure: no I/O, all
 * state of a stream lives in its generator.
 */
export const anthropicChatCodec: ChatCodec = {
  kind: 'http',
  buildRequest: (req, ctx) =>
    anthropicPost(ctx, '/messages', toAnthropicRequest(req, ctx.deployment.upstreamModel)),
  parseResponse: (body, ctx) => fromAnthropicResponse(body, ctx.requestId),
  parseStream: (events, ctx) => fromAnthropicStream(events, ctx.requestId),
  parseError: parseAnthropicError,
};
