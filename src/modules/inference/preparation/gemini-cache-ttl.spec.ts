import {
  addedSeconds,
  creationLifetime,
  maskMovesExpiry,
  reportedExpiry,
  requestedLifetime,
} from './gemini-cache-ttl';

describe('cache lifetimes (what a cachedContents body asks for)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('ttl from now, expireTime as given, neither: undefined (creation: Gemini’s default hour)', () => {
    expect(requestedLifetime({ ttl: '7200s' }, now)).toEqual({
      expiresAt: new Date('2026-01-01T02:00:00Z'),
      seconds: '7200',
    });
    expect(requestedLifetime({ ttl: '1.50s' }, now)).toEqual({
      expiresAt: new Date(now + 1500),
      seconds: '1.5',
    });
    expect(requestedLifetime({ expireTime: '2026-01-01T00:10:00.250Z' }, now)).toEqual({
      expiresAt: new Date('2026-01-01T00:10:00.250Z'),
      seconds: '600.25',
    });
    // Google also reads the snake_case spelling of a body forwarded as is: it is billed the same.
    expect(requestedLifetime({ expire_time: '2026-01-01T10:00:00Z' }, now)).toEqual({
      expiresAt: new Date('2026-01-01T10:00:00Z'),
      seconds: '36000',
    });
    expect(requestedLifetime({ displayName: 'x' }, now)).toBeUndefined();
    expect(creationLifetime({}, now)).toEqual({ expiresAt: new Date(now + 3_600_000), seconds: '3600' });
  });

  it('refuses bad values with a 400 naming the field', () => {
    for (const [body, param] of [
      [{ ttl: '10m' }, 'ttl'],
      [{ ttl: 3600 }, 'ttl'],
      [{ ttl: '60s', expireTime: '2026-01-02T00:00:00Z' }, 'ttl'],
      [{ expireTime: 'tomorrow' }, 'expireTime'],
      [{ expireTime: '2025-12-31T23:59:59Z' }, 'expireTime'],
      [{ expireTime: null, expire_time: '2026-01-02T00:00:00Z' }, 'expireTime'],
      [{ ttl: '60s', expire_time: '2026-01-02T00:00:00Z' }, 'ttl'],
    ] as const)
      expect(() => requestedLifetime(body, now)).toThrow(expect.objectContaining({ status: 400, param }));
  });

  it('the seconds an expiry change adds (none when it shrinks)', () => {
    expect(addedSeconds(new Date(now), new Date(now + 3_600_500))).toBe('3600.5');
    expect(addedSeconds(new Date(now), new Date(now - 1000))).toBe('0');
  });

  it('an updateMask moves the expiry only when it names ttl or expireTime; Gemini reports it as expireTime', () => {
    expect(maskMovesExpiry(undefined)).toBe(true);
    expect(maskMovesExpiry('ttl')).toBe(true);
    expect(maskMovesExpiry('displayName, expire_time')).toBe(true);
    expect(maskMovesExpiry('displayName')).toBe(false);
    expect(maskMovesExpiry('')).toBe(false);
    expect(reportedExpiry({ expireTime: '2026-01-02T00:00:00Z' })).toEqual(new Date('2026-01-02T00:00:00Z'));
    expect(reportedExpiry({ expireTime: 'soon' })).toBeUndefined();
    expect(reportedExpiry(null)).toBeUndefined();
  });
});
