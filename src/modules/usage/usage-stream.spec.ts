import { parseUsageEvent, serializeUsageEvent, usageInsertParams } from './usage-stream';
import type { UsageEvent } from './usage-event';

const event: UsageEvent = {
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  requestId: 'req-1',
  createdAt: new Date('2026-11-21T10:00:00.123Z'),
  model: 'gpt-fake',
  endpoint: 'chat.completions',
  statusCode: 200,
  usage: { promptTokens: 9, completionTokens: 12 },
  costUsd: '0.0000085',
  latencyMs: 3,
  stream: false,
};

describe('usage stream payload', () => {
  it('round-trips an event, createdAt to the millisecond', () => {
    const text = serializeUsageEvent(event);
    expect(JSON.parse(text).createdAt).toBe(event.createdAt.getTime());
    expect(parseUsageEvent(text)).toEqual(event);
  });

  it('still reads the ISO text earlier versions wrote', () => {
    const text = JSON.stringify(event);
    expect(parseUsageEvent(text).createdAt).toEqual(event.createdAt);
  });

  it('refuses text that is not an event', () => {
    for (const text of ['{not json', '["x","y"]', 'null', '{"model":"m"}'])
      expect(() => parseUsageEvent(text)).toThrow();
  });
});

describe('usage insert parameters', () => {
  it('one array literal per column, every element quoted, NULL for what is missing, quotes and backslashes escaped', () => {
    const odd = { ...event, requestId: 'a"b\\c,{d}', usage: undefined, ttftMs: 7 };
    const params = usageInsertParams([event, odd]);
    expect(params).toHaveLength(25);
    expect(params[0]).toBe(`{"${event.id}","${event.id}"}`);
    expect(params[1]).toBe('{"req-1","a\\"b\\\\c,{d}"}');
    expect(params[2]).toBe(`{"${event.createdAt.getTime()}","${event.createdAt.getTime()}"}`);
    expect(params[3]).toBe('{NULL,NULL}'); // key_id
    expect(params[12]).toBe('{"9","0"}'); // prompt_tokens
    expect(params[20]).toBe('{"0.0000085","0.0000085"}'); // cost_usd, as decimal text
    expect(params[22]).toBe('{NULL,"7"}'); // ttft_ms
    expect(usageInsertParams([])[0]).toBe('{}');
  });
});
