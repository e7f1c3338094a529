import type { EmbeddingsRequest } from '../../providers/core/canonical';
import { DialectValidationError } from '../dialect-validation-error';
import { optInteger, optString, requireBodyObject, requireModel } from './openai-fields';

export interface ParsedOpenAiEmbeddings {
  publicModel: string;
  body: Record<string, unknown>;
  request: EmbeddingsRequest;
  /** The input as text, for the budget estimate. */
  text: string;
}

/** OpenAI `POST /v1/embeddings` body → canonical embeddings request. Throws naming the field. */
export function fromOpenAiEmbeddingsRequest(raw: unknown): ParsedOpenAiEmbeddings {
  const body = requireBodyObject(raw);
  const publicModel = requireModel(body);
  const input = parseInput(body.input);
  const format = optString(body, 'encoding_format');
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    throw new DialectValidationError("'encoding_format' must be float or base64", 'encoding_format');
  }
  const request: EmbeddingsRequest = {
    input,
    dimensions: optInteger(body, 'dimensions', 1),
    encodingFormat: format,
    user: optString(body, 'user'),
  };
  const taskType = optString(body, 'task_type');
  if (taskType) request.taskType = taskType;
  const text = input.map((i) => (typeof i === 'string' ? i : i.join(' '))).join('\n');
  return { publicModel, body, request, text };
}

function parseInput(v: unknown): string[] | number[][] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0) {
    if (v.every((x) => typeof x === 'string')) return v as string[];
    if (v.every((x) => typeof x === 'number')) return [v as number[]];
    if (v.every((x) => Array.isArray(x) && x.every((n) => typeof n === 'number'))) return v as number[][];
  }
  throw new DialectValidationError(
    "'input' must be a non-empty string, array of strings, or array of token arrays",
    'input',
  );
}

/** Canonical embeddings → OpenAI list; `base64` is little-endian float32, as OpenAI encodes it. */
export function toOpenAiEmbeddingsResponse(
  embeddings: number[][],
  publicModel: string,
  usage: { promptTokens: number } | undefined,
  format: 'float' | 'base64' | undefined,
): Record<string, unknown> {
  return {
    object: 'list',
    data: embeddings.map((values, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? toBase64Float32(values) : values,
    })),
    model: publicModel,
    usage: { prompt_tokens: usage?.promptTokens ?? 0, total_tokens: usage?.promptTokens ?? 0 },
  };
}

function toBase64Float32(values: number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}
