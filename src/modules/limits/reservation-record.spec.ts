import { parseReservationRecord, reservationOutcome } from './reservation-record';

describe('reservation records', () => {
  it('reads a record back from its hash fields: subjects, key and team, amounts as integers', () => {
    const r = parseReservationRecord('e1', {
      state: 'open',
      owner: 'abc123',
      ledger: '0',
      deadline: '1796000000000',
      est: '12',
      amount: '2000000000',
      subjects: 'sb:lim:key:k-1\tall\t2000000000\t1\t1\nsb:lim:team:t-1\t1764547200000\t0\t0\t0',
    });
    expect(r).toEqual({
      id: 'e1',
      state: 'open',
      keyId: 'k-1',
      teamId: 't-1',
      amountNano: 2_000_000_000,
      owner: 'abc123',
      inOwnerLedger: false,
      deadlineMs: 1_796_000_000_000,
      estTokens: 12,
      subjects: [
        { kind: 'key', id: 'k-1', period: 'all', heldNano: 2_000_000_000 },
        { kind: 'team', id: 't-1', period: '1764547200000', heldNano: 0 },
      ],
    });
  });

  it('no fields: no record', () => {
    expect(parseReservationRecord('e1', {})).toBeUndefined();
  });

  it('outcomes are checked', () => {
    expect(reservationOutcome('already-expired')).toBe('already-expired');
    expect(() => reservationOutcome(1)).toThrow('unexpected reservation reply');
  });
});
