import type { EmbeddingsRequest, EmbeddingsResponse } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import { fromOpenAiAnyUsage } from './openai.usage';

export function toOpenAiEmbeddingsBody(
  req: EmbeddingsRequest,
  upstreamModel: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: upstreamModel, input: req.input };
  if (req.dimensions !== undefined) body.dimensions = req.dimensions;
  if (req.user !== undefined) body.user = req.user;
  return body;
}

export function fromOpenAiEmbeddings(body: unknown): EmbeddingsResponse {
  const r = body as { data?: Array<{ index: number; embedding: number[] }>; usage?: unknown };
  if (!Array.isArray(r?.data))
    throw new ProviderError({
      kind: 'upstream',
      message: 'upstream answer is not an embeddings list',
      raw: body,
    });
  const ordered = [...r.data].sort((a, b) => a.index - b.index);
  return { embeddings: ordered.map((d) => d.embedding), usage: fromOpenAiAnyUsage(r.usage) };
}
