/**
 * JSON Schemas (OpenAPI 3.1) of the Anthropic Messages routes, after providers.md §7 and the official
 * SDK's types. Objects stay open: Anthropic adds members often, and unknown ones are forwarded on
 * passthrough.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: true,
});
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', minimum: 0 };
const arr = (items: Schema): Schema => ({ type: 'array', items });
const contentBlock: Schema = obj({ type: str }, ['type']);
const message = obj(
  { role: { type: 'string', enum: ['user', 'assistant'] }, content: { oneOf: [str, arr(contentBlock)] } },
  ['role', 'content'],
);

export const ANTHROPIC_SCHEMAS: Record<string, Schema> = {
  AnthropicContentBlock: contentBlock,
  AnthropicMessageParam: message,
  AnthropicMessagesRequest: obj(
    {
      model: str,
      max_tokens: int,
      messages: arr(ref('AnthropicMessageParam')),
      system: { oneOf: [str, arr(ref('AnthropicContentBlock'))] },
      tools: arr(obj({ name: str, description: str, input_schema: { type: 'object' } }, ['name'])),
      tool_choice: obj({ type: { type: 'string', enum: ['auto', 'any', 'tool', 'none'] }, name: str }),
      thinking: obj({
        type: { type: 'string', enum: ['enabled', 'disabled', 'adaptive'] },
        budget_tokens: int,
      }),
      stream: { type: 'boolean' },
      stop_sequences: arr(str),
      temperature: { type: 'number' },
      top_p: { type: 'number' },
      top_k: int,
      metadata: obj({ user_id: str }),
    },
    ['model', 'max_tokens', 'messages'],
  ),
  AnthropicUsage: obj({
    input_tokens: int,
    output_tokens: int,
    cache_creation_input_tokens: { type: ['integer', 'null'] },
    cache_read_input_tokens: { type: ['integer', 'null'] },
  }),
  AnthropicMessage: obj(
    {
      id: str,
      type: { type: 'string', const: 'message' },
      role: { type: 'string', const: 'assistant' },
      content: arr(ref('AnthropicContentBlock')),
      model: str,
      stop_reason: { type: ['string', 'null'] },
      stop_sequence: { type: ['string', 'null'] },
      usage: ref('AnthropicUsage'),
    },
    ['id', 'type', 'role', 'content', 'model', 'usage'],
  ),
  AnthropicStreamEvent: obj(
    {
      type: {
        type: 'string',
        enum: [
          'message_start',
          'content_block_start',
          'content_block_delta',
          'content_block_stop',
          'message_delta',
          'message_stop',
          'ping',
          'error',
        ],
      },
    },
    ['type'],
  ),
  AnthropicCountTokensRequest: obj(
    { model: str, messages: arr(ref('AnthropicMessageParam')), system: {}, tools: arr(contentBlock) },
    ['model', 'messages'],
  ),
  AnthropicCountTokensResponse: obj({ input_tokens: int }, ['input_tokens']),
  AnthropicErrorResponse: obj(
    {
      type: { type: 'string', const: 'error' },
      error: obj({ type: str, message: str }, ['type', 'message']),
      request_id: str,
    },
    ['type', 'error'],
  ),
};
