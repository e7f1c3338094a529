import type { ChatMessage } from '../../../providers/core/canonical';
import type { SseEvent } from '../../../providers/core/sse';
import type { ResponseContext } from '../pipeline/operation';
import { ResponsesChatHandler } from '../responses-chat.handler';
import { continued } from './responses.operation';

const user = (text: string): ChatMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const system = (text: string): ChatMessage => ({ role: 'system', content: [{ type: 'text', text }] });
const assistant = (text: string): ChatMessage => ({ role: 'assistant', content: [{ type: 'text', text }] });

describe('responses operation: previous_response_id expansion', () => {
  it("puts this call's instructions first, then the stored turns (their instructions dropped), then the input", () => {
    const stored = [system('old rules'), user('my name is Ada'), assistant('Hi Ada')];
    expect(continued(stored, [system('new rules'), user('my name?')])).toEqual([
      system('new rules'),
      user('my name is Ada'),
      assistant('Hi Ada'),
      user('my name?'),
    ]);
    expect(continued(stored, [user('my name?')])).toEqual([
      user('my name is Ada'),
      assistant('Hi Ada'),
      user('my name?'),
    ]);
  });
});

describe('ResponsesChatHandler passthrough', () => {
  const handler = new ResponsesChatHandler();
  const ctx: ResponseContext = {
    publicModel: 'public',
    upstreamModel: 'gpt-4o-mini',
    requestId: 'r',
    clientWantsStreamUsage: true,
    streamFormat: 'sse',
  };

  it('renames the model in a JSON answer', () => {
    expect(handler.passthroughJson({ id: 'resp_1', model: 'gpt-4o-mini', output: [] }, ctx)).toEqual({
      id: 'resp_1',
      model: 'public',
      output: [],
    });
  });

  it('keeps event names and renames the model in streamed responses', async () => {
    async function* events(): AsyncGenerator<SseEvent> {
      yield {
        event: 'response.created',
        data: '{"type":"response.created","response":{"model":"gpt-4o-mini"}}',
      };
      yield {
        event: 'response.output_text.delta',
        data: '{"type":"response.output_text.delta","delta":"x"}',
      };
    }
    let text = '';
    for await (const f of handler.passthroughStream(events(), ctx)) text += f;
    expect(text).toBe(
      'event: response.created\ndata: {"type":"response.created","response":{"model":"public"}}\n\n' +
        'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"x"}\n\n',
    );
  });

  it('parses a call: endpoint `responses`, store and previous_response_id kept', () => {
    expect(
      handler.parse({ model: 'm', input: 'hi', store: false, previous_response_id: 'resp_9', stream: true }),
    ).toMatchObject({ endpoint: 'responses', stream: true, store: false, previousResponseId: 'resp_9' });
  });
});
