import { afterCreatedAt, decodeCursor, encodeCursor, isCreatedAtPosition, toPage } from './cursor-page';

describe('cursor pages', () => {
  it('round-trips a position and rejects garbage with a 400 naming cursor', () => {
    const c = encodeCursor({ t: '2025-01-01T00:00:00.000Z', id: 'abc' });
    expect(decodeCursor(c, isCreatedAtPosition)).toEqual({ t: '2025-01-01T00:00:00.000Z', id: 'abc' });
    expect(decodeCursor(undefined, isCreatedAtPosition)).toBeUndefined();
    expect(() => decodeCursor('nope', isCreatedAtPosition)).toThrow(
      expect.objectContaining({ status: 400, param: 'cursor' }),
    );
  });

  it('uses the extra row only to decide there is a next page', () => {
    const rows = [1, 2, 3].map((n) => ({ id: String(n) }));
    expect(
      toPage(
        rows,
        2,
        (r) => r.id,
        (r) => r.id,
      ),
    ).toEqual({ data: ['1', '2'], next_cursor: encodeCursor('2') });
    expect(
      toPage(
        rows,
        3,
        (r) => r.id,
        (r) => r.id,
      ),
    ).toEqual({ data: ['1', '2', '3'], next_cursor: null });
  });

  it('builds a keyset where clause', () => {
    expect(afterCreatedAt(undefined)).toEqual({});
    expect(afterCreatedAt({ t: '2025-01-01T00:00:00.000Z', id: 'x' })).toEqual({
      OR: [
        { createdAt: { lt: new Date('2025-01-01T00:00:00.000Z') } },
        { createdAt: new Date('2025-01-01T00:00:00.000Z'), id: { lt: 'x' } },
      ],
    });
  });
});
