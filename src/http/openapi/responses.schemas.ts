/**
 * Minimal JSON Schemas (OpenAPI 3.1) of the Responses routes, hand-written after providers.md §6.3
 * (the vendored OpenAI subset does not hold them). Objects stay open: OpenAI adds members often.
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
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const arr = (items: Schema): Schema => ({ type: 'array', items });
const item: Schema = obj({ type: str }, []);

export const RESPONSES_SCHEMAS: Record<string, Schema> = {
  ResponseInputItem: item,
  ResponseOutputItem: obj({ id: str, type: str }, ['type']),
  CreateResponse: obj(
    {
      model: str,
      input: { oneOf: [str, arr(ref('ResponseInputItem'))] },
      instructions: str,
      tools: arr(obj({ type: str, name: str, parameters: { type: 'object' }, strict: bool }, ['type'])),
      tool_choice: { oneOf: [str, obj({ type: str, name: str })] },
      parallel_tool_calls: bool,
      max_output_tokens: int,
      temperature: num,
      top_p: num,
      reasoning: obj({ effort: str, summary: str }),
      text: obj({ format: obj({ type: str }) }),
      stream: bool,
      store: bool,
      previous_response_id: str,
      metadata: { type: 'object', additionalProperties: true },
      user: str,
    },
    ['model'],
  ),
  ResponseUsage: obj({
    input_tokens: int,
    input_tokens_details: obj({ cached_tokens: int }),
    output_tokens: int,
    output_tokens_details: obj({ reasoning_tokens: int }),
    total_tokens: int,
  }),
  Response: obj(
    {
      id: str,
      object: { type: 'string', enum: ['response'] },
      created_at: int,
      status: {
        type: 'string',
        enum: ['completed', 'failed', 'in_progress', 'incomplete', 'cancelled', 'queued'],
      },
      model: str,
      output: arr(ref('ResponseOutputItem')),
      error: { oneOf: [obj({ code: str, message: str }), { type: 'null' }] },
      incomplete_details: { oneOf: [obj({ reason: str }), { type: 'null' }] },
      previous_response_id: { oneOf: [str, { type: 'null' }] },
      usage: { oneOf: [ref('ResponseUsage'), { type: 'null' }] },
    },
    ['id', 'object', 'created_at', 'status', 'model', 'output'],
  ),
  ResponseStreamEvent: obj({ type: str, sequence_number: int }, ['type', 'sequence_number']),
  DeleteResponseResult: obj({ id: str, object: { type: 'string', enum: ['response'] }, deleted: bool }, [
    'id',
    'object',
    'deleted',
  ]),
};
