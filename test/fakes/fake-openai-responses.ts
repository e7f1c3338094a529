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

/**
 * OpenAI's `POST /v1/responses` (providers.md §6.3), minimal: answers `Responses echo: <input>` (the
 * input string, or the last input_text), as a Response object or as the SSE sequence with `event:`
 * lines and `sequence_number`, ending with `response.completed` carrying output and usage.
 */
export function fakeOpenAiResponses(req: CapturedRequest, res: ServerResponse, n: number): void {
  const body = (req.body ?? {}) as { model?: string; input?: unknown; stream?: boolean };
  const text = `Responses echo: ${lastInput(body.input)}`;
  const id = `resp_fake${n}`;
  const message = {
    id: `msg_fake${n}`,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
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
  if (!body.stream) return sendJson(res, 200, response('completed', [message], FAKE_RESPONSES_USAGE));
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let seq = 0;
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  const at = { item_id: message.id, output_index: 0, content_index: 0 };
  send('response.created', { response: response('in_progress', [], null) });
  send('response.in_progress', { response: response('in_progress', [], null) });
  send('response.output_item.added', {
    output_index: 0,
    item: { ...message, status: 'in_progress', content: [] },
  });
  send('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [] } });
  for (const piece of text.match(/.{1,8}/g) ?? [])
    send('response.output_text.delta', { ...at, delta: piece });
  send('response.output_text.done', { ...at, text });
  send('response.content_part.done', { ...at, part: message.content[0] });
  send('response.output_item.done', { output_index: 0, item: message });
  send('response.completed', { response: response('completed', [message], FAKE_RESPONSES_USAGE) });
  res.end();
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
