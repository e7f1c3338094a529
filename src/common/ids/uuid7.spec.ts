import { uuid7 } from './uuid7';

describe('uuid7', () => {
  it('is a version-7, RFC-variant UUID that sorts by time', () => {
    const a = uuid7(1_700_000_000_000);
    const b = uuid7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.slice(0, 13)).toBe('018bcfe5-6800');
    expect(a < b).toBe(true);
    const many = new Set(Array.from({ length: 2_000 }, () => uuid7()));
    expect(many.size).toBe(2_000);
  });
});
