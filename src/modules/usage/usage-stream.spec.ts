import { parseUsageEvent, serializeUsageEvent } from './usage-stream';
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
});
