import { logWindowStarts } from './usage-log-window';

describe('logWindowStarts: the logs page looks back 1, 8, 64 days, then without a bound', () => {
  const anchor = new Date('2026-12-03T12:00:00Z');

  it('widens from the anchor and ends unbounded', () => {
    expect(logWindowStarts(anchor, undefined)).toEqual([
      new Date('2026-12-02T12:00:00Z'),
      new Date('2026-11-25T12:00:00Z'),
      new Date('2026-09-30T12:00:00Z'),
      undefined,
    ]);
  });

  it("stops widening once a window reaches the caller's from (which then bounds the last try)", () => {
    expect(logWindowStarts(anchor, new Date('2026-11-20T00:00:00Z'))).toEqual([
      new Date('2026-12-02T12:00:00Z'),
      new Date('2026-11-25T12:00:00Z'),
      undefined,
    ]);
    expect(logWindowStarts(anchor, new Date('2026-12-03T00:00:00Z'))).toEqual([undefined]);
  });
});
