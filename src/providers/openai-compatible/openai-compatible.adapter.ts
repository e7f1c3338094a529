import {
  joinUrl,
  type ChatCodec,
  type HttpRequestSpec,
  type PassthroughCodec,
  type ProviderAdapter,
  type ProviderContext,
  type ProviderId,
} from '../core/adapter';
import { encodeMultipart } from '../core/multipart-encode';
import { fromOpenAiEmbeddings, toOpenAiEmbeddingsBody } from './openai.embeddings';
import { parseOpenAiError } from './openai.errors';
import { toOpenAiChatBody, type OpenAiRequestOptions } from './openai.request';
import { fromOpenAiChatResponse, fromOpenAiStream } from './openai.response';
import { fromOpenAiAnyUsage } from './openai.usage';
import { soraVideoCodec } from './sora.video';

interface OpenAiFlavour {
  id: ProviderId;
  defaultBaseUrl?: string;
  request: OpenAiRequestOptions;
  /** Serves the `/v1/videos` API (Sora, or an OpenAI-compatible host that keeps it). */
  videos?: boolean;
}

/** Operation name → path under the base URL (the base URL ends with `/v1` for OpenAI itself). */
const OPERATION_PATHS: Record<string, string> = {
  'chat.completions': '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
  responses: '/responses',
  'images.generations': '/images/generations',
};

function baseUrlOf(ctx: ProviderContext, flavour: OpenAiFlavour): string {
  const base = ctx.deployment.baseUrl ?? flavour.defaultBaseUrl;
  if (!base) throw new Error(`deployment ${ctx.deployment.id}: provider ${flavour.id} needs a base_url`);
  return base;
}

function urlFor(ctx: ProviderContext, flavour: OpenAiFlavour, operation: string): string {
  const path = OPERATION_PATHS[operation] ?? `/${operation.replace(/\./g, '/')}`;
  const base = baseUrlOf(ctx, flavour);
  if (flavour.id === 'azure-openai') {
    const version = String(ctx.deployment.settings.api_version ?? '2024-10-21');
    return `${joinUrl(base, `/openai/deployments/${encodeURIComponent(ctx.deployment.upstreamModel)}${path}`)}?api-version=${version}`;
  }
  return joinUrl(base, path);
}

function headersFor(ctx: ProviderContext, flavour: OpenAiFlavour): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-request-id': ctx.requestId,
  };
  const key = ctx.deployment.apiKey;
  if (key) {
    if (flavour.id === 'azure-openai') headers['api-key'] = key;
    else headers.authorization = `Bearer ${key}`;
  }
  return headers;
}

function jsonRequest(url: string, headers: Record<string, string>, body: unknown): HttpRequestSpec {
  return { method: 'POST', url, headers, body: JSON.stringify(body) };
}

function createChatCodec(flavour: OpenAiFlavour): ChatCodec {
  return {
    kind: 'http',
    buildRequest: (req, ctx) =>
      jsonRequest(
        urlFor(ctx, flavour, 'chat.completions'),
        headersFor(ctx, flavour),
        toOpenAiChatBody(req, ctx.deployment.upstreamModel, flavour.request),
      ),
    parseResponse: (body) => fromOpenAiChatResponse(body),
    parseStream: (events) => fromOpenAiStream(events),
    parseError: parseOpenAiError,
  };
}

function createPassthrough(flavour: OpenAiFlavour): PassthroughCodec {
  return {
    wire: 'openai',
    buildRequest(operation, body, ctx, stream) {
      const out: Record<string, unknown> = { ...body, model: ctx.deployment.upstreamModel };
      if (stream && (operation === 'chat.completions' || operation === 'completions')) {
        const opts = (body.stream_options as Record<string, unknown> | undefined) ?? {};
        out.stream_options = { ...opts, include_usage: true };
      }
      return jsonRequest(urlFor(ctx, flavour, operation), headersFor(ctx, flavour), out);
    },
    buildUpload(operation, form, ctx) {
      const fields = form.fields.map(([k, v]) =>
        k === 'model' ? (['model', ctx.deployment.upstreamModel] as const) : ([k, v] as const),
      );
      const encoded = encodeMultipart({ fields, files: form.files });
      const headers = { ...headersFor(ctx, flavour), 'content-type': encoded.contentType };
      return { method: 'POST', url: urlFor(ctx, flavour, operation), headers, body: encoded.body };
    },
    usageFromResponse: (_op, body) => fromOpenAiAnyUsage((body as { usage?: unknown } | undefined)?.usage),
    usageFromStreamChunk: (_op, chunk) => usageFromOpenAiChunk(chunk),
    parseError: parseOpenAiError,
  };
}

/** Usage of a chat chunk (`usage`) or of a Responses API event (`response.usage`). */
function usageFromOpenAiChunk(chunk: unknown) {
  if (!chunk || typeof chunk !== 'object') return undefined;
  const c = chunk as { usage?: unknown; response?: { usage?: unknown } };
  return fromOpenAiAnyUsage(c.usage ?? c.response?.usage);
}

export function createOpenAiCompatibleAdapter(flavour: OpenAiFlavour): ProviderAdapter {
  return {
    id: flavour.id,
    capabilities: {
      chat: true,
      streaming: true,
      tools: true,
      vision: true,
      audioInput: true,
      embeddings: true,
      video: flavour.videos === true,
      mediaUrls: true,
    },
    chat: createChatCodec(flavour),
    passthrough: createPassthrough(flavour),
    embeddings: {
      buildRequest: (req, ctx) =>
        jsonRequest(
          urlFor(ctx, flavour, 'embeddings'),
          headersFor(ctx, flavour),
          toOpenAiEmbeddingsBody(req, ctx.deployment.upstreamModel),
        ),
      parseResponse: (body) => fromOpenAiEmbeddings(body),
      parseError: parseOpenAiError,
    },
    ...(flavour.videos ? { video: soraVideoCodec } : {}),
  };
}

const COMPAT_REQUEST: OpenAiRequestOptions = {
  maxCompletionTokensField: false,
  replayReasoningContent: false,
};

export const openAiAdapter = createOpenAiCompatibleAdapter({
  id: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  request: { maxCompletionTokensField: true, replayReasoningContent: false },
  videos: true,
});
export const openAiCompatibleAdapter = createOpenAiCompatibleAdapter({
  id: 'openai-compatible',
  request: COMPAT_REQUEST,
  videos: true,
});
export const azureOpenAiAdapter = createOpenAiCompatibleAdapter({
  id: 'azure-openai',
  request: { ...COMPAT_REQUEST, maxCompletionTokensField: true },
});
export const deepSeekAdapter = createOpenAiCompatibleAdapter({
  id: 'deepseek',
  defaultBaseUrl: 'https://api.deepseek.com',
  request: { maxCompletionTokensField: false, replayReasoningContent: true },
});
