import { COPY_USAGE_STAGE_SQL, CREATE_USAGE_STAGE_SQL, usageCopyText } from './usage-stream';
import type { UsageEvent } from './usage-event';

const event: UsageEvent = {
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  requestId: 'req-1',
  createdAt: new Date('2026-11-21T10:00:00.123Z'),
  model: 'gpt-fake',
  endpoint: 'chat.completions',
  statusCode: 200,
  usage: { promptTokens: 9, completionTokens: 12 },
  costUsd: '12.3456789012',
  latencyMs: 3,
  stream: false,
};

describe('usage COPY rows', () => {
  it('one tab-separated line per event, \\N for what is missing, amounts as their decimal text', () => {
    const [line, rest] = usageCopyText([event]).split('\n');
    expect(rest).toBe('');
    const cols = line.split('\t');
    expect(cols).toHaveLength(25);
    expect(cols[0]).toBe(event.id);
    expect(cols[2]).toBe(String(event.createdAt.getTime()));
    expect(cols[3]).toBe('\\N'); // key_id
    expect(cols[12]).toBe('9');
    expect(cols[20]).toBe('12.3456789012');
    expect(cols[23]).toBe('false');
  });

  it('escapes backslash, tab, newline and carriage return, and nothing else', () => {
    const odd = { ...event, requestId: 'a\\b\tc\nd\re "q" {N} ,' };
    const cols = usageCopyText([odd]).split('\n')[0].split('\t');
    expect(cols[1]).toBe('a\\\\b\\tc\\nd\\re "q" {N} ,');
    expect(usageCopyText([])).toBe('');
  });

  it('stages the same columns it copies', () => {
    const copied = /\(([^)]*)\) FROM STDIN/.exec(COPY_USAGE_STAGE_SQL)![1].split(', ');
    for (const c of copied) expect(CREATE_USAGE_STAGE_SQL).toContain(`${c} `);
  });
});
