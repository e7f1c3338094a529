import type { AssistantMessage, ChatStreamEvent } from '../providers/core/canonical';
import { parseSse } from '../providers/core/sse';
import { StreamBlockCounter } from '../providers/core/stream-blocks';
import { geminiCtx } from '../providers/gemini/__fixtures__/gemini-context';
import { geminiChatCodec } from '../providers/gemini/gemini.chat';
import type { GeminiPart } from '../providers/gemini/gemini.wire';
import { toGeminiResponse } from './google/google.canonical-to-wire';
import { fromGeminiRequest } from './google/google.wire-to-canonical';
import { toOpenAiChatResponse } from './openai/openai-chat.response';

/** thinking → text → tool use → text, as Gemini parts (which are ordered) and as canonical blocks. */
const PARTS: GeminiPart[] = [
  { text: 'Plan: look it up.', thought: true },
  { text: 'Checking the weather.' },
  { functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' },
  { text: ' Done.' },
];
const BLOCKS: AssistantMessage['content'] = [
  { type: 'thinking', thinking: 'Plan: look it up.' },
  { type: 'text', text: 'Checking the weather.' },
  {
    type: 'tool_use',
    id: 'call_1',
    name: 'get_weather',
    arguments: '{"city":"Paris"}',
    thoughtSignature: 'c2ln',
  },
  { type: 'text', text: ' Done.' },
];

describe('block order round-trips', () => {
  it('a Gemini answer → canonical blocks in part order → the same Gemini parts', () => {
    const wire = {
      candidates: [{ content: { role: 'model', parts: PARTS }, finishReason: 'STOP', index: 0 }],
    };
    const resp = geminiChatCodec.parseResponse(wire, geminiCtx());
    expect(resp.choices[0].message.content).toEqual(BLOCKS);
    expect(toGeminiResponse(resp, 'm').candidates?.[0].content?.parts).toEqual(PARTS);
  });

  it('a Google-dialect model turn → canonical blocks in order → Gemini request parts in order', () => {
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: PARTS },
        { role: 'user', parts: [{ text: 'Thanks' }] },
      ],
    };
    const req = fromGeminiRequest(body, 'gemini-2.5-flash');
    expect(req.messages[1]).toEqual({ role: 'assistant', content: BLOCKS });
    const sent = JSON.parse(String(geminiChatCodec.buildRequest(req, geminiCtx()).body)) as {
      contents: Array<{ parts: GeminiPart[] }>;
    };
    // Thinking is not sent back to Gemini (nor a call id); everything else keeps its place.
    expect(sent.contents[1].parts).toEqual([
      PARTS[1],
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' },
      PARTS[3],
    ]);
  });

  it('OpenAI chat, which has no order between its fields, gets the text joined', () => {
    const body = toOpenAiChatResponse(
      {
        id: 'x',
        created: 1,
        choices: [{ index: 0, finishReason: 'tool_calls', message: { role: 'assistant', content: BLOCKS } }],
      },
      'm',
    ) as { choices: Array<{ message: Record<string, unknown> }> };
    expect(body.choices[0].message).toMatchObject({
      content: 'Checking the weather. Done.',
      reasoning_content: 'Plan: look it up.',
      tool_calls: [{ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
  });

  it('a Gemini stream numbers its blocks in part order (StreamBlockCounter)', async () => {
    const sse = PARTS.map(
      (p, i) =>
        `data: ${JSON.stringify({
          candidates: [
            {
              content: { role: 'model', parts: [p] },
              index: 0,
              ...(i === 3 ? { finishReason: 'STOP' } : {}),
            },
          ],
        })}\r\n\r\n`,
    ).join('');
    const counter = new StreamBlockCounter();
    const seen: Array<[string, number]> = [];
    async function* raw() {
      yield sse;
    }
    for await (const ev of geminiChatCodec.parseStream(parseSse(raw()), geminiCtx()))
      if (ev.type === 'text' || ev.type === 'reasoning' || ev.type === 'tool_call')
        seen.push([ev.type, counter.blockOf(ev)]);
    expect(seen).toEqual([
      ['reasoning', 0],
      ['text', 1],
      ['tool_call', 2],
      ['text', 3],
    ]);
  });
});

describe('StreamBlockCounter', () => {
  const blocks = (events: ChatStreamEvent[]) => {
    const counter = new StreamBlockCounter();
    return events.map((ev) =>
      ev.type === 'finish' || ev.type === 'usage' || ev.type === 'start' || ev.type === 'metadata'
        ? -1
        : counter.blockOf(ev),
    );
  };

  it('keeps interleaved fragments of parallel tool calls in their own blocks', () => {
    const call = (index: number, argumentsDelta: string): ChatStreamEvent => ({
      type: 'tool_call',
      choice: 0,
      index,
      argumentsDelta,
    });
    expect(
      blocks([
        { type: 'reasoning', choice: 0, text: 'a' },
        { type: 'reasoning', choice: 0, text: 'b' },
        { type: 'text', choice: 0, text: 'c' },
        call(0, '{'),
        call(1, '{'),
        call(0, '}'),
        call(1, '}'),
        { type: 'text', choice: 0, text: 'd' },
      ]),
    ).toEqual([0, 0, 1, 2, 3, 2, 3, 4]);
  });

  it('counts each choice apart and follows an explicit block index', () => {
    expect(
      blocks([
        { type: 'text', choice: 0, text: 'a' },
        { type: 'text', choice: 1, text: 'b' },
        { type: 'text', choice: 0, text: 'c', block: 1 },
        { type: 'image', choice: 0, url: 'data:image/png;base64,AA==' },
        { type: 'image', choice: 0, url: 'data:image/png;base64,AA==' },
      ]),
    ).toEqual([0, 0, 1, 2, 3]);
  });
});
