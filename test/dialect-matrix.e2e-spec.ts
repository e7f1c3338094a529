import Anthropic0 from 'anthropic-sdk-0';
import Anthropic1 from 'anthropic-sdk-1';
import { GoogleGenAI, type Content, type Part } from '@google/genai';
import OpenAI from 'openai';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import { signThinking, startFakeAnthropic, type FakeAnthropic } from './fakes/fake-anthropic';
import {
  ensureUndiciGlobalDispatcher,
  functionCallPart,
  startFakeGemini,
  thoughtPart,
  type FakeGemini,
} from './fakes/fake-gemini';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient } from './support/admin-client';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';

type Json = Record<string, unknown>;
type AnthropicClient = InstanceType<typeof Anthropic1>;

/** The conversation every pair runs: a question, a `get_weather` call, its result, the answer. */
const QUESTION = 'What is the weather in Paris?';
const CITY_ARGS = { city: 'Paris' };
const TOOL_RESULT = { temp_c: 21, sky: 'sunny' };
const ANSWER = 'It is 21°C and sunny in Paris.';
const TOOL_DESCRIPTION = 'The current weather in a city';
const CITY_SCHEMA = {
  type: 'object' as const,
  properties: { city: { type: 'string', description: 'The city name' } },
  required: ['city'],
};
/** DeepSeek's reasoning on the tool-call turn, which must come back as `reasoning_content` (its replay rule). */
const DEEPSEEK_REASONING = 'The user wants the weather; call get_weather.';
/** Gemini's thought and the signature on its function call, which must come back on the next turn. */
const GEMINI_THOUGHT = 'I should look up the weather.';
const GEMINI_SIGNATURE = 'c2lnLW1hdHJpeA==';
/** DeepSeek cache hits (`prompt_cache_hit_tokens`), metered as cached tokens. */
const DEEPSEEK_USAGE = { prompt_tokens: 40, completion_tokens: 9, cached_tokens: 32 };

/** What the client SDK saw on turn 1, in its own dialect, and what it sends back as the assistant turn. */
interface ToolTurn {
  call: { id?: string; name: string; args: unknown };
  /** The assistant turn as the SDK returned it (the dialect's own shape), replayed on turn 2. */
  assistant: unknown;
}

/** One client dialect: turn 1 (question with the tool declared) and turn 2 (tool result back). */
interface DialectDriver {
  toolTurn(model: string, stream: boolean): Promise<ToolTurn>;
  answerTurn(model: string, stream: boolean, turn: ToolTurn): Promise<string>;
}

/** One chat provider behind a fake: what it answers, and what reached it on turn 2. */
interface ProviderCase {
  model: string;
  scriptToolCall(tag: string): void;
  scriptAnswer(): void;
  /** The body of the last model call the fake received. */
  lastBody(): Json;
  /** The tool call and its result paired in the provider's own wire format. */
  expectPaired(body: Json): void;
  /** A provider-specific replay rule checked on turn 2's body, as a test of its own per pair. */
  replayRule?: {
    name: string;
    /** Run the conversation with reasoning asked for (each dialect's own way). */
    reasoning?: boolean;
    check(body: Json): void;
  };
}

// ---------------------------------------------------------------------------------------------------
// Dialects

/** How a driver is made: the gateway, a key, and whether the requests ask for reasoning (thinking). */
type MakeDriver = (baseUrl: string, key: string, reasoning: boolean) => DialectDriver;

function openAiDriver(baseUrl: string, key: string, reasoning: boolean): DialectDriver {
  const client = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const tools = [
    {
      type: 'function' as const,
      function: { name: 'get_weather', description: TOOL_DESCRIPTION, parameters: CITY_SCHEMA },
    },
  ];
  const user = { role: 'user' as const, content: QUESTION };
  const effort = reasoning ? { reasoning_effort: 'low' as const } : {};

  /**
   * Assembles a streamed answer as the SDK's own `ChatCompletionStream` does: content, tool_calls by
   * index with any extra member of a call delta kept (`provider_specific_fields`); reasoning_content
   * concatenated (the SDK helper would keep only its last piece), `thinking_blocks` (signed or
   * redacted thinking, one whole block per chunk) collected in order.
   */
  async function streamed(messages: unknown[], model: string) {
    const stream = await client.chat.completions.create({
      model,
      tools,
      ...effort,
      messages: messages as never,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let reasoning = '';
    const thinkingBlocks: unknown[] = [];
    let finish: string | null = null;
    const calls: ChatCompletionMessageFunctionToolCall[] = [];
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta as typeof choice.delta & {
        reasoning_content?: string;
        thinking_blocks?: unknown[];
      };
      content += delta.content ?? '';
      reasoning += delta.reasoning_content ?? '';
      thinkingBlocks.push(...(delta.thinking_blocks ?? []));
      for (const { index, id, type: _type, function: fn, ...extra } of delta.tool_calls ?? []) {
        const call = (calls[index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        Object.assign(call, extra);
        if (id) call.id = id;
        if (fn?.name) call.function.name += fn.name;
        if (fn?.arguments) call.function.arguments += fn.arguments;
      }
      finish = choice.finish_reason ?? finish;
    }
    const message: ChatCompletionAssistantMessageParam & {
      reasoning_content?: string;
      thinking_blocks?: unknown[];
    } = {
      role: 'assistant',
      content: content || null,
      ...(calls.length > 0 ? { tool_calls: calls } : {}),
      ...(reasoning ? { reasoning_content: reasoning } : {}),
      ...(thinkingBlocks.length > 0 ? { thinking_blocks: thinkingBlocks } : {}),
    };
    return { message, finish };
  }

  return {
    async toolTurn(model, stream) {
      let message: ChatCompletionAssistantMessageParam;
      let finish: string | null;
      if (stream) ({ message, finish } = await streamed([user], model));
      else {
        const res = await client.chat.completions.create({ model, tools, ...effort, messages: [user] });
        message = res.choices[0].message as ChatCompletionAssistantMessageParam;
        finish = res.choices[0].finish_reason;
      }
      expect(finish).toBe('tool_calls');
      expect(message.tool_calls).toHaveLength(1);
      const call = message.tool_calls![0];
      expect(call.type).toBe('function');
      const fn = (call as ChatCompletionMessageFunctionToolCall).function;
      expect(call.id).toEqual(expect.any(String));
      return { call: { id: call.id, name: fn.name, args: JSON.parse(fn.arguments) }, assistant: message };
    },
    async answerTurn(model, stream, turn) {
      const messages = [
        user,
        turn.assistant as ChatCompletionAssistantMessageParam,
        { role: 'tool' as const, tool_call_id: turn.call.id!, content: JSON.stringify(TOOL_RESULT) },
      ];
      if (stream) {
        const { message, finish } = await streamed(messages, model);
        expect(finish).toBe('stop');
        return String(message.content);
      }
      const res = await client.chat.completions.create({ model, tools, ...effort, messages });
      expect(res.choices[0].finish_reason).toBe('stop');
      return res.choices[0].message.content ?? '';
    },
  };
}

function anthropicDriver(make: (baseURL: string, apiKey: string) => AnthropicClient) {
  return (baseUrl: string, key: string, reasoning: boolean): DialectDriver => {
    const client = make(baseUrl, key);
    const tools = [{ name: 'get_weather', description: TOOL_DESCRIPTION, input_schema: CITY_SCHEMA }];
    const user = { role: 'user' as const, content: QUESTION };
    const send = (model: string, stream: boolean, messages: unknown[]) => {
      const params = {
        model,
        max_tokens: 2048,
        tools,
        messages: messages as never,
        ...(reasoning ? { thinking: { type: 'enabled' as const, budget_tokens: 1024 } } : {}),
      };
      return stream ? client.messages.stream(params).finalMessage() : client.messages.create(params);
    };
    return {
      async toolTurn(model, stream) {
        const msg = await send(model, stream, [user]);
        expect(msg.stop_reason).toBe('tool_use');
        const uses = msg.content.filter((b) => b.type === 'tool_use');
        expect(uses).toHaveLength(1);
        const use = uses[0];
        expect(use.id).toEqual(expect.any(String));
        return { call: { id: use.id, name: use.name, args: use.input }, assistant: msg.content };
      },
      async answerTurn(model, stream, turn) {
        const msg = await send(model, stream, [
          user,
          { role: 'assistant', content: turn.assistant },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: turn.call.id, content: JSON.stringify(TOOL_RESULT) },
            ],
          },
        ]);
        expect(msg.stop_reason).toBe('end_turn');
        return msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      },
    };
  };
}

function googleDriver(baseUrl: string, key: string, reasoning: boolean): DialectDriver {
  const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl } });
  const config = {
    tools: [
      {
        functionDeclarations: [
          { name: 'get_weather', description: TOOL_DESCRIPTION, parametersJsonSchema: CITY_SCHEMA },
        ],
      },
    ],
    ...(reasoning ? { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } } : {}),
  };
  const user: Content = { role: 'user', parts: [{ text: QUESTION }] };

  /** The model turn as the SDK hands it back: one candidate's parts (every chunk's, in order, when streamed). */
  async function send(model: string, stream: boolean, contents: Content[]) {
    if (!stream) {
      const res = await ai.models.generateContent({ model, contents, config });
      const candidate = res.candidates?.[0];
      return { content: candidate?.content ?? { role: 'model', parts: [] }, finish: candidate?.finishReason };
    }
    const parts: Part[] = [];
    let finish: string | undefined;
    for await (const chunk of await ai.models.generateContentStream({ model, contents, config })) {
      const candidate = chunk.candidates?.[0];
      parts.push(...(candidate?.content?.parts ?? []));
      finish = candidate?.finishReason ?? finish;
    }
    return { content: { role: 'model', parts } as Content, finish };
  }

  return {
    async toolTurn(model, stream) {
      const { content } = await send(model, stream, [user]);
      const calls = (content.parts ?? []).filter((p) => p.functionCall);
      expect(calls).toHaveLength(1);
      const fc = calls[0].functionCall!;
      return { call: { id: fc.id, name: fc.name ?? '', args: fc.args }, assistant: content };
    },
    async answerTurn(model, stream, turn) {
      const response: Part = {
        functionResponse: {
          name: turn.call.name,
          response: TOOL_RESULT,
          ...(turn.call.id ? { id: turn.call.id } : {}),
        },
      };
      const { content, finish } = await send(model, stream, [
        user,
        turn.assistant as Content,
        { role: 'user', parts: [response] },
      ]);
      expect(finish).toBe('STOP');
      return (content.parts ?? [])
        .filter((p) => !p.thought)
        .map((p) => p.text ?? '')
        .join('');
    },
  };
}

function responsesDriver(baseUrl: string, key: string, reasoning: boolean): DialectDriver {
  const client = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const tools = [
    {
      type: 'function' as const,
      name: 'get_weather',
      description: TOOL_DESCRIPTION,
      parameters: CITY_SCHEMA,
      strict: false,
    },
  ];
  const user = { role: 'user' as const, content: QUESTION };
  const effort = reasoning ? { reasoning: { effort: 'low' as const } } : {};
  /** The Response as the SDK hands it back; streamed, as its own `ResponseStream` assembles the events. */
  const send = (model: string, stream: boolean, input: unknown[]) => {
    const params = { model, tools, ...effort, input: input as never };
    return stream ? client.responses.stream(params).finalResponse() : client.responses.create(params);
  };
  return {
    async toolTurn(model, stream) {
      const res = await send(model, stream, [user]);
      expect(res.status).toBe('completed');
      const calls = res.output.filter((item) => item.type === 'function_call');
      expect(calls).toHaveLength(1);
      const call = calls[0] as ResponseFunctionToolCall;
      expect(call.call_id).toEqual(expect.any(String));
      // The output items replayed as they came, the stateless way (no previous_response_id).
      return {
        call: { id: call.call_id, name: call.name, args: JSON.parse(call.arguments) },
        assistant: res.output,
      };
    },
    async answerTurn(model, stream, turn) {
      const res = await send(model, stream, [
        user,
        ...(turn.assistant as unknown[]),
        { type: 'function_call_output', call_id: turn.call.id, output: JSON.stringify(TOOL_RESULT) },
      ]);
      expect(res.status).toBe('completed');
      // `output_text` is the SDK's own addition, which its stream helper leaves out: read the items.
      return res.output
        .flatMap((item) => (item.type === 'message' ? item.content : []))
        .map((part) => (part.type === 'output_text' ? part.text : ''))
        .join('');
    },
  };
}

const DIALECTS: Array<[string, MakeDriver]> = [
  ['openai chat completions (openai 6.x)', openAiDriver],
  [
    'anthropic messages (@anthropic-ai/sdk 1.x)',
    anthropicDriver((baseURL, apiKey) => new Anthropic1({ baseURL, apiKey, maxRetries: 0 })),
  ],
  [
    'anthropic messages (@anthropic-ai/sdk 0.x)',
    anthropicDriver(
      (baseURL, apiKey) => new Anthropic0({ baseURL, apiKey, maxRetries: 0 }) as unknown as AnthropicClient,
    ),
  ],
  ['google generateContent (@google/genai 2.x)', googleDriver],
  ['openai responses (openai 6.x)', responsesDriver],
];

// ---------------------------------------------------------------------------------------------------
// Providers (the fakes start in beforeAll; the cases read them at test time)

let openaiFake: FakeOpenAi;
let deepseekFake: FakeOpenAi;
let anthropicFake: FakeAnthropic;
let geminiFake: FakeGemini;

interface OpenAiWireMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  reasoning_content?: string;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
}

/** OpenAI wire: the assistant's `tool_calls[0].id` answered by a `tool` message's `tool_call_id`. */
function expectOpenAiPaired(body: Json): OpenAiWireMessage {
  const messages = body.messages as OpenAiWireMessage[];
  const at = messages.findIndex((m) => m.role === 'assistant' && m.tool_calls?.length);
  expect(at).toBeGreaterThan(-1);
  const assistant = messages[at];
  const call = assistant.tool_calls![0];
  expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
  expect(JSON.parse(call.function.arguments)).toEqual(CITY_ARGS);
  expect(messages[at + 1]).toMatchObject({ role: 'tool', tool_call_id: call.id });
  expect(JSON.parse(String(messages[at + 1].content))).toEqual(TOOL_RESULT);
  return assistant;
}

/** Responses wire: a `function_call` item's `call_id` answered by a `function_call_output` after it. */
function expectResponsesPaired(body: Json): void {
  const input = body.input as Array<Json & { type?: string; call_id?: string }>;
  const at = input.findIndex((item) => item.type === 'function_call');
  expect(at).toBeGreaterThan(-1);
  const call = input[at];
  expect(call).toMatchObject({ name: 'get_weather', call_id: expect.any(String) });
  expect(JSON.parse(String(call.arguments))).toEqual(CITY_ARGS);
  const output = input.slice(at + 1).find((item) => item.type === 'function_call_output');
  expect(output).toMatchObject({ call_id: call.call_id });
  expect(JSON.parse(String(output!.output))).toEqual(TOOL_RESULT);
}

const PROVIDERS: Array<[string, ProviderCase]> = [
  [
    'openai',
    {
      model: 'matrix-openai',
      scriptToolCall: (tag) =>
        openaiFake.script({
          kind: 'tool_call',
          id: `call_${tag}`,
          name: 'get_weather',
          arguments: JSON.stringify(CITY_ARGS),
        }),
      scriptAnswer: () => openaiFake.script({ kind: 'text', text: ANSWER }),
      // The Responses dialect passes through to OpenAI's own /v1/responses; every other one is chat.
      lastBody: () => openaiFake.requests.at(-1)!.body as Json,
      expectPaired: (body) => void ('input' in body ? expectResponsesPaired(body) : expectOpenAiPaired(body)),
    },
  ],
  [
    'anthropic',
    {
      model: 'matrix-anthropic',
      scriptToolCall: (tag) =>
        anthropicFake.next({ toolUse: { name: 'get_weather', input: CITY_ARGS, id: `toolu_${tag}` } }),
      scriptAnswer: () => anthropicFake.next({ text: ANSWER }),
      lastBody: () => anthropicFake.messageRequests().at(-1)!.body as Json,
      expectPaired: (body) => {
        type Block = Json & { type: string };
        const messages = body.messages as Array<{ role: string; content: string | Block[] }>;
        const at = messages.findIndex(
          (m) =>
            m.role === 'assistant' &&
            Array.isArray(m.content) &&
            m.content.some((b) => b.type === 'tool_use'),
        );
        expect(at).toBeGreaterThan(-1);
        const use = (messages[at].content as Block[]).find((b) => b.type === 'tool_use')!;
        expect(use).toMatchObject({ name: 'get_weather', input: CITY_ARGS });
        const next = messages[at + 1];
        expect(next.role).toBe('user');
        const result = (next.content as Block[]).find((b) => b.type === 'tool_result')!;
        expect(result).toMatchObject({ tool_use_id: use.id });
        const text = typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
        expect(text).toContain('sunny');
      },
      replayRule: {
        name: 'with thinking on, the signed thinking block comes back first in the tool-use turn',
        reasoning: true,
        // Anthropic refuses the tool_result turn otherwise (extended thinking with tool use), and the
        // fake checks the signature against the text (an edited or unsigned block is a 400).
        check: (body) => {
          expect(body.thinking).toMatchObject({ type: 'enabled' });
          type Block = Json & { type: string };
          const messages = body.messages as Array<{ role: string; content: string | Block[] }>;
          const assistant = messages.find(
            (m) =>
              m.role === 'assistant' &&
              Array.isArray(m.content) &&
              m.content.some((b) => b.type === 'tool_use'),
          );
          const blocks = assistant!.content as Block[];
          expect(blocks[0]).toMatchObject({ type: 'thinking' });
          expect(blocks[0].signature).toBe(signThinking(String(blocks[0].thinking)));
        },
      },
    },
  ],
  [
    'gemini',
    {
      model: 'matrix-gemini',
      scriptToolCall: () =>
        geminiFake.script({
          parts: [thoughtPart(GEMINI_THOUGHT), functionCallPart('get_weather', CITY_ARGS, GEMINI_SIGNATURE)],
        }),
      scriptAnswer: () => geminiFake.script({ parts: [{ text: ANSWER }] }),
      lastBody: () =>
        geminiFake.requests.filter((r) => /:(stream)?generateContent$/i.test(r.path)).at(-1)!.body as Json,
      expectPaired: (body) => {
        const contents = body.contents as Content[];
        const at = contents.findIndex((c) => c.role === 'model' && c.parts?.some((p) => p.functionCall));
        expect(at).toBeGreaterThan(-1);
        const call = contents[at].parts!.find((p) => p.functionCall)!;
        expect(call.functionCall).toMatchObject({ name: 'get_weather', args: CITY_ARGS });
        const next = contents[at + 1];
        expect(next.role).toBe('user');
        const response = next.parts!.find((p) => p.functionResponse)!;
        expect(response.functionResponse!.name).toBe('get_weather');
        expect(JSON.stringify(response.functionResponse!.response)).toContain('sunny');
      },
      replayRule: {
        name: 'the thoughtSignature on the functionCall comes back on it',
        // Gemini 3 answers 400 "Function call is missing a thought_signature" otherwise (providers.md §1.3).
        check: (body) => {
          const parts = (body.contents as Content[]).flatMap((c) => c.parts ?? []);
          expect(parts.find((p) => p.functionCall)?.thoughtSignature).toBe(GEMINI_SIGNATURE);
        },
      },
    },
  ],
  [
    'deepseek',
    {
      model: 'matrix-deepseek',
      scriptToolCall: (tag) =>
        deepseekFake.script({
          kind: 'tool_call',
          id: `call_${tag}`,
          name: 'get_weather',
          arguments: JSON.stringify(CITY_ARGS),
          reasoning: DEEPSEEK_REASONING,
          deepseekUsage: true,
          usage: DEEPSEEK_USAGE,
        }),
      scriptAnswer: () =>
        deepseekFake.script({ kind: 'text', text: ANSWER, deepseekUsage: true, usage: DEEPSEEK_USAGE }),
      lastBody: () => deepseekFake.chatRequests().at(-1)!.body as Json,
      expectPaired: (body) => void expectOpenAiPaired(body),
      replayRule: {
        name: 'the reasoning_content of the tool-call turn comes back on it',
        // DeepSeek thinking mode with tools requires it (providers.md §8; openai.request.ts replayReasoningContent).
        check: (body) => expect(expectOpenAiPaired(body).reasoning_content).toBe(DEEPSEEK_REASONING),
      },
    },
  ],
];

/**
 * Pairs that fail because of a known gateway bug (`it.failing`, so a fix turns them red until removed).
 * Key: `${dialect} → ${provider} stream=${stream}: ${what the test checks}`.
 */
const KNOWN_BUGS: Record<string, string> = {};

interface UsageLog {
  model: string;
  status_code: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
}

/**
 * The issue-17 matrix: every client dialect × every chat provider, JSON and stream, one conversation
 * with a tool-call round trip. Turn 1 declares `get_weather` in the dialect's tool format and the
 * provider answers a call, which the SDK must see in its own shape; turn 2 sends the result back with
 * the assistant turn as the SDK returned it, and the provider must receive call and result paired in
 * its own wire format. Every call leaves exactly one usage record.
 */
describe('dialect × provider matrix: a tool-call round trip', () => {
  let gw: TestGateway;
  let admin: AdminClient;
  let key: string;

  beforeAll(async () => {
    ensureUndiciGlobalDispatcher();
    openaiFake = await startFakeOpenAi();
    deepseekFake = await startFakeOpenAi();
    anthropicFake = await startFakeAnthropic();
    geminiFake = await startFakeGemini();
    const yaml = `
models:
  - model_name: matrix-openai
    deployments:
      - { provider: openai, upstream_model: gpt-4o-mini, base_url: "${openaiFake.baseUrl}/v1", api_key: sk-fake }
  - model_name: matrix-anthropic
    deployments:
      - { provider: anthropic, upstream_model: claude-sonnet-4-5, base_url: "${anthropicFake.baseUrl}", api_key: "${anthropicFake.apiKey}" }
  - model_name: matrix-gemini
    deployments:
      - { provider: gemini, upstream_model: gemini-2.5-flash, base_url: "${geminiFake.baseUrl}", api_key: "${geminiFake.apiKey}" }
  - model_name: matrix-deepseek
    deployments:
      - { provider: deepseek, upstream_model: deepseek-chat, base_url: "${deepseekFake.baseUrl}/v1", api_key: sk-deepseek-fake }
`;
    gw = await startGateway({ yaml });
    admin = new AdminClient(gw.url, gw.masterKey);
    key = (await admin.createKey({ name: 'matrix' })).key;
  });

  // A failed pair leaves its unused answers queued: each test starts from empty queues.
  beforeEach(() => {
    for (const fake of [openaiFake, deepseekFake, anthropicFake, geminiFake]) fake.clearScripts();
  });

  afterAll(async () => {
    await gw?.close();
    await openaiFake?.close();
    await deepseekFake?.close();
    await anthropicFake?.close();
    await geminiFake?.close();
  });

  async function usageLogs(model: string): Promise<UsageLog[]> {
    const res = await admin.request<{ data: UsageLog[] }>(
      'GET',
      `/admin/usage/logs?model=${model}&limit=200`,
    );
    return res.body.data;
  }

  /**
   * Runs one call and checks it left exactly one usage record (status 200) for the model. Only 200
   * records are counted: a failed pair's refused request may be recorded after the next test began.
   */
  async function metered<T>(model: string, call: () => Promise<T>): Promise<{ result: T; log: UsageLog }> {
    const ok = async () => (await usageLogs(model)).filter((r) => r.status_code === 200);
    const before = (await ok()).length;
    const result = await call();
    const rows = await eventually(async () => {
      const now = await ok();
      return now.length > before ? now : undefined;
    });
    expect(rows).toHaveLength(before + 1);
    const log = rows[0]; // newest first
    expect(log.status_code).toBe(200);
    return { result, log };
  }

  let tagCounter = 0;

  /**
   * The conversation: turn 1 answers a tool call the SDK sees in its own shape, turn 2 sends the result
   * back and gets the answer; each call leaves one usage record. Answers turn 2's upstream body.
   */
  async function roundTrip(driver: DialectDriver, provider: string, p: ProviderCase, stream: boolean) {
    p.scriptToolCall(`m${++tagCounter}`);
    const { result: turn, log: first } = await metered(p.model, () => driver.toolTurn(p.model, stream));
    expect(turn.call.name).toBe('get_weather');
    expect(turn.call.args).toEqual(CITY_ARGS);

    p.scriptAnswer();
    const { result: text, log: second } = await metered(p.model, () =>
      driver.answerTurn(p.model, stream, turn),
    );
    expect(text).toBe(ANSWER);
    if (provider === 'deepseek') {
      // prompt_cache_hit_tokens metered as cached tokens, on both turns.
      expect(first.cached_tokens).toBe(DEEPSEEK_USAGE.cached_tokens);
      expect(second.cached_tokens).toBe(DEEPSEEK_USAGE.cached_tokens);
    }
    return p.lastBody();
  }

  describe.each(DIALECTS)('%s', (dialect, makeDriver) => {
    describe.each(PROVIDERS)('→ %s', (provider, p) => {
      for (const stream of [false, true]) {
        const named = (what: string) => {
          const name = `stream=${stream}: ${what}`;
          return { name, test: KNOWN_BUGS[`${dialect} → ${provider} ${name}`] ? it.failing : it };
        };
        const pair = named('tool call and result round trip');
        pair.test(pair.name, async () => {
          const body = await roundTrip(makeDriver(gw.url, key, false), provider, p, stream);
          p.expectPaired(body);
        });
        const rule = p.replayRule;
        if (!rule) continue;
        const replay = named(rule.name);
        replay.test(replay.name, async () => {
          const driver = makeDriver(gw.url, key, rule.reasoning === true);
          rule.check(await roundTrip(driver, provider, p, stream));
        });
      }
    });
  });
});
