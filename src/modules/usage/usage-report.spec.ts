import { retentionFlags, splitRange } from './usage-report.service';

const d = (s: string) => new Date(s);

describe('splitRange: whole UTC days from the rollup, partial days from the records', () => {
  it('all time and day-aligned ranges read only the rollup', () => {
    expect(splitRange(undefined, undefined)).toEqual({ days: { from: undefined, to: undefined }, raw: [] });
    expect(splitRange(d('2026-10-01T00:00:00Z'), d('2026-10-31T00:00:00Z'))).toEqual({
      days: { from: d('2026-10-01T00:00:00Z'), to: d('2026-10-31T00:00:00Z') },
      raw: [],
    });
  });

  it('instants split into a head, whole days and a tail', () => {
    expect(splitRange(d('2026-10-01T13:30:00Z'), d('2026-10-31T08:15:00Z'))).toEqual({
      days: { from: d('2026-10-02T00:00:00Z'), to: d('2026-10-31T00:00:00Z') },
      raw: [
        { from: d('2026-10-01T13:30:00Z'), to: d('2026-10-02T00:00:00Z') },
        { from: d('2026-10-31T00:00:00Z'), to: d('2026-10-31T08:15:00Z') },
      ],
    });
  });

  it('open ends', () => {
    expect(splitRange(d('2026-10-01T13:30:00Z'), undefined)).toEqual({
      days: { from: d('2026-10-02T00:00:00Z'), to: undefined },
      raw: [{ from: d('2026-10-01T13:30:00Z'), to: d('2026-10-02T00:00:00Z') }],
    });
    expect(splitRange(undefined, d('2026-10-31T08:15:00Z'))).toEqual({
      days: { from: undefined, to: d('2026-10-31T00:00:00Z') },
      raw: [{ from: d('2026-10-31T00:00:00Z'), to: d('2026-10-31T08:15:00Z') }],
    });
  });

  it('a range without a whole day reads only the records', () => {
    expect(splitRange(d('2026-10-01T01:00:00Z'), d('2026-10-01T23:00:00Z'))).toEqual({
      raw: [{ from: d('2026-10-01T01:00:00Z'), to: d('2026-10-01T23:00:00Z') }],
    });
    expect(splitRange(d('2026-10-01T12:00:00Z'), d('2026-10-02T12:00:00Z'))).toEqual({
      raw: [{ from: d('2026-10-01T12:00:00Z'), to: d('2026-10-02T12:00:00Z') }],
    });
  });
});

describe('ranges older than the records kept (retention)', () => {
  const horizon = d('2026-10-01T00:00:00Z');

  it('a partial day before the horizon is read from the rollup as a whole day', () => {
    expect(splitRange(d('2026-09-10T13:30:00Z'), d('2026-10-05T08:15:00Z'), horizon)).toEqual({
      days: { from: d('2026-09-10T00:00:00Z'), to: d('2026-10-05T00:00:00Z') },
      raw: [{ from: d('2026-10-05T00:00:00Z'), to: d('2026-10-05T08:15:00Z') }],
    });
    expect(splitRange(d('2026-09-10T13:30:00Z'), d('2026-09-10T14:00:00Z'), horizon)).toEqual({
      days: { from: d('2026-09-10T00:00:00Z'), to: d('2026-09-11T00:00:00Z') },
      raw: [],
    });
  });

  it('flags a range reaching before the horizon, and only such a range', () => {
    expect(retentionFlags({ from: d('2026-10-02T00:00:00Z') }, horizon)).toEqual({});
    expect(retentionFlags({}, null)).toEqual({});
    expect(retentionFlags({}, horizon)).toEqual({
      source: 'rollup_and_records',
      raw_available_from: '2026-10-01T00:00:00.000Z',
    });
    expect(retentionFlags({ from: d('2026-09-01T00:00:00Z'), to: horizon }, horizon)).toEqual({
      source: 'rollup',
      raw_available_from: '2026-10-01T00:00:00.000Z',
    });
  });
});
