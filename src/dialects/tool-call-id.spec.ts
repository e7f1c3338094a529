import type { ChatResponse } from '../providers/core/canonical';
import { fromAnthropicMessagesRequest } from './anthropic/anthropic.request';
import { toAnthropicMessage } from './anthropic/anthropic.response';
import { fromResponsesRequest } from './openai-responses/responses.request';
import { toOutputItems } from './openai-responses/responses.response';
import { splitToolId, toolIdWithSignature } from './tool-call-id';

/** A Gemini signature is standard base64, with `+`, `/` and `=` that Anthropic's id pattern refuses. */
const SIGNATURE = 'CiQB0e2Kb+/x9Zq==';

describe('a Gemini thought signature carried in a tool call id', () => {
  it('round-trips byte for byte, and the id stays within [A-Za-z0-9_-]', () => {
    const id = toolIdWithSignature('call_1', SIGNATURE);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(splitToolId(id)).toEqual({ id: 'call_1', thoughtSignature: SIGNATURE });
  });

  it('leaves an id without a signature unchanged, both ways', () => {
    expect(toolIdWithSignature('toolu_1', undefined)).toBe('toolu_1');
    expect(splitToolId('toolu_1')).toEqual({ id: 'toolu_1' });
  });

  it('ignores a mark followed by something that is not base64url', () => {
    expect(splitToolId('call_1__thought__a+b')).toEqual({ id: 'call_1' });
  });

  const answer: ChatResponse = {
    id: 'r1',
    model: 'gemini-3-pro',
    choices: [
      {
        index: 0,
        finishReason: 'tool_calls',
        message: {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'call_1', name: 'f', arguments: '{}', thoughtSignature: SIGNATURE },
          ],
        },
      },
    ],
  } as unknown as ChatResponse;

  it('Anthropic dialect: tool_use.id carries it out, and the call and its result bring it back', () => {
    const rendered = toAnthropicMessage(answer, 'm') as { content: { id: string }[] };
    const id = rendered.content[0].id;
    const parsed = fromAnthropicMessagesRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'tool_use', id, name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] },
      ],
    });
    const [, call, result] = parsed.request.messages;
    expect(call.content[0]).toMatchObject({ id: 'call_1', thoughtSignature: SIGNATURE });
    expect(result.content[0]).toMatchObject({ toolUseId: 'call_1' });
  });

  it('Responses dialect: call_id carries it out, and function_call and its output bring it back', () => {
    const [item] = toOutputItems(answer.choices[0].message, 'resp_1') as { call_id: string }[];
    const parsed = fromResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'q' },
        { type: 'function_call', call_id: item.call_id, name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: item.call_id, output: 'ok' },
      ],
    });
    const [, call, result] = parsed.request.messages;
    expect(call.content[0]).toMatchObject({ id: 'call_1', thoughtSignature: SIGNATURE });
    expect(result.content[0]).toMatchObject({ toolUseId: 'call_1' });
  });
});
