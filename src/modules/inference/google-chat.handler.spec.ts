import type { ChatStreamEvent } from '../../providers/core/canonical';
import type { ResponseContext } from './pipeline/operation';
import { ChatResponseValidator } from './chat-response-validator';
import { GoogleChatHandler } from './google-chat.handler';

describe('GoogleChatHandler.toSseFrames: a stream that fails enforce_validation (issue 14 item 8)', () => {
  const handler = new GoogleChatHandler();
  const check = () =>
    new ChatResponseValidator().forRequest({
      stream: true,
      messages: [],
      responseFormat: { type: 'json_schema', schema: { type: 'object' }, enforceValidation: true },
    })!;
  const events: ChatStreamEvent[] = [
    { type: 'text', choice: 0, text: 'not json' },
    { type: 'finish', choice: 0, reason: 'stop' },
  ];
  const frames = async (streamFormat: 'sse' | 'json-array') => {
    const answerCheck = check();
    const ctx = { publicModel: 'm', requestId: 'r', streamFormat, answerCheck } as ResponseContext;
    const source = answerCheck.watch(
      (async function* () {
        yield* events;
      })(),
    );
    let text = '';
    for await (const f of handler.toSseFrames(source, ctx)) text += f;
    return text;
  };
  const error = {
    error: {
      code: 502,
      message: 'response_schema_validation_failed: the response is not valid JSON',
      status: 'INTERNAL',
      raw_response: 'not json',
    },
  };

  it('SSE: ends with an {"error"} chunk after the answer', async () => {
    const chunks = (await frames('sse'))
      .split('\r\n\r\n')
      .filter(Boolean)
      .map((f) => JSON.parse(f.replace(/^data: /, '')));
    expect(chunks.at(-1)).toEqual(error);
    expect(chunks.at(-2)).toMatchObject({ candidates: [{ finishReason: 'STOP' }] });
  });

  it('JSON array: the error is the array’s last element', async () => {
    const chunks = JSON.parse(await frames('json-array')) as unknown[];
    expect(chunks.at(-1)).toEqual(error);
    expect(chunks).toHaveLength(3);
  });
});
