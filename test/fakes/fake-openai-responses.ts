import type { ServerResponse } from 'node:http';
import { sendJson, type CapturedRequest } from './fake-http';

/** The usage the fake's Responses answers report. */
export const FAKE_RESPONSES_USAGE = {
  input_tokens: 9,
  input_tokens_details: { cached_tokens: 2 },
  output_tokens: 5,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 14,
};

/** What the next Responses answer says, scripted through the fake's queue (a text or a call). */
export type FakeResponsesReply =
  | { kind: 'text'; text: string }
  | { kind: 'tool_call'; name: string; arguments: string; id?: string };

/**
 * OpenAI's `POST /v1/responses` (providers.md §6.3): answers the scripted reply (a text, or a function
 * call), else `Responses echo: <input>` (the input string, or the last input_text), as a Response
 * object or as the SSE sequence with `event:` lines and `sequence_number`, ending with
 * `response.completed` carrying output and usage. Like OpenAI, an input `function_call_output` whose
 * `call_id` no input `function_call` carries is a 400.
 */
export function fakeOpenAiResponses(
  req: CapturedRequest,
  res: ServerResponse,
  n: number,
  reply?: FakeResponsesReply,
): void {
  const body = (req.body ?? {}) as { model?: string; input?: unknown; stream?: boolean };
  const orphan = orphanOutput(body.input);
  if (orphan !== undefined)
    return sendJson(res, 400, {
      error: {
        message: `No tool call found for function call output with call_id ${orphan}.`,
        type: 'invalid_request_error',
        param: 'input',
        code: null,
      },
    });
  const id = `resp_fake${n}`;
  const item = outputItem(n, reply ?? { kind: 'text', text: `Responses echo: ${lastInput(body.input)}` });
  const response = (status: string, output: unknown[], usage: unknown) => ({
    id,
    object: 'response',
    created_at: 1_700_000_000,
    status,
    error: null,
    incomplete_details: null,
    model: body.model,
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage,
  });
  if (!body.stream) return sendJson(res, 200, response('completed', [item], FAKE_RESPONSES_USAGE));
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let seq = 0;
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  send('response.created', { response: response('in_progress', [], null) });
  send('response.in_progress', { response: response('in_progress', [], null) });
  if (item.type === 'function_call') {
    send('response.output_item.added', {
      output_index: 0,
      item: { ...item, status: 'in_progress', arguments: '' },
    });
    const at = { item_id: item.id, output_index: 0 };
    for (const piece of item.arguments.match(/.{1,8}/g) ?? [])
      send('response.function_call_arguments.delta', { ...at, delta: piece });
    send('response.function_call_arguments.done', { ...at, arguments: item.arguments });
  } else {
    const text = item.content[0].text;
    send('response.output_item.added', {
      output_index: 0,
      item: { ...item, status: 'in_progress', content: [] },
    });
    const at = { item_id: item.id, output_index: 0, content_index: 0 };
    send('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [] } });
    for (const piece of text.match(/.{1,8}/g) ?? [])
      send('response.output_text.delta', { ...at, delta: piece });
    send('response.output_text.done', { ...at, text });
    send('response.content_part.done', { ...at, part: item.content[0] });
  }
  send('response.output_item.done', { output_index: 0, item });
  send('response.completed', { response: response('completed', [item], FAKE_RESPONSES_USAGE) });
  res.end();
}

type OutputItem =
  | { id: string; type: 'function_call'; status: string; call_id: string; name: string; arguments: string }
  | {
      id: string;
      type: 'message';
      status: string;
      role: 'assistant';
      content: Array<{ type: 'output_text'; text: string; annotations: unknown[] }>;
    };

function outputItem(n: number, reply: FakeResponsesReply): OutputItem {
  if (reply.kind === 'tool_call')
    return {
      id: `fc_fake${n}`,
      type: 'function_call',
      status: 'completed',
      call_id: reply.id ?? `call_fake${n}`,
      name: reply.name,
      arguments: reply.arguments,
    };
  return {
    id: `msg_fake${n}`,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text: reply.text, annotations: [] }],
  };
}

/** The call_id of the first `function_call_output` with no `function_call` before it, if any. */
function orphanOutput(input: unknown): string | undefined {
  if (!Array.isArray(input)) return undefined;
  const calls = new Set<unknown>();
  for (const item of input as Array<{ type?: string; call_id?: unknown }>) {
    if (item?.type === 'function_call') calls.add(item.call_id);
    else if (item?.type === 'function_call_output' && !calls.has(item.call_id)) return String(item.call_id);
  }
  return undefined;
}

function lastInput(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  let text = '';
  for (const item of input as Array<{ content?: unknown }>) {
    const c = item?.content;
    if (typeof c === 'string') text = c;
    else if (Array.isArray(c))
      for (const p of c as Array<{ type?: string; text?: string }>)
        if (p?.type === 'input_text' && p.text) text = p.text;
  }
  return text;
}
