import { drainDeadlineMs } from './graceful-shutdown';

describe('drainDeadlineMs', () => {
  it('keeps a fifth of the grace for the flush, at most 5 s', () => {
    expect(drainDeadlineMs(30_000)).toBe(25_000);
    expect(drainDeadlineMs(60_000)).toBe(55_000);
    expect(drainDeadlineMs(2_500)).toBe(2_000);
  });
});
