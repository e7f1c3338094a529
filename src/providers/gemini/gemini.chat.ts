import type { ChatCodec } from '../core/adapter';
import { parseGeminiError } from './gemini.errors';
import { geminiPost } from './gemini.http';
import { geminiModelTraits, toGeminiRequest } from './gemini.request';
import { fromGeminiResponse } from './gemini.response';
import { fromGeminiStream } from './gemini.stream';

/**
 * The Gemini chat codec: canonical request → `POST {base}/v1beta/models/{upstream}:generateContent`
 * (or `:streamGenerateContent?alt=sse`) with `x-goog-api-key`; answers, streams and errors back to
 * canonical. Pure: no I/O, all state of a stream lives in its generator.
 */
export const geminiChatCodec: ChatCodec = {
  kind: 'http',
  buildRequest(req, ctx) {
    const body = toGeminiRequest(
      req,
      geminiModelTraits(ctx.deployment.upstreamModel, ctx.deployment.settings),
    );
    return req.stream
      ? geminiPost(ctx, 'streamGenerateContent', body, { alt: 'sse' })
      : geminiPost(ctx, 'generateContent', body);
  },
  parseResponse: (body, ctx) => fromGeminiResponse(body, ctx.requestId),
  parseStream: (events, ctx) => fromGeminiStream(events, ctx.requestId),
  parseError: parseGeminiError,
};
