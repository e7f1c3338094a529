import { GatewayError } from '../errors/gateway-error';
import { nulPath, refuseNulText, withoutNul } from './nul-text';

describe('NUL text (Postgres cannot store U+0000)', () => {
  it('names the first string or key holding U+0000, skipping bytes', () => {
    expect(nulPath({ a: ['x', 'y\u0000'] }, '')).toBe('a[1]');
    expect(nulPath({ metadata: { 'k\u0000': 1 } }, '')).toBe('metadata.k\u0000');
    expect(nulPath({ file: Buffer.from([0]) }, '')).toBeUndefined();
    expect(nulPath('ok', 'name')).toBeUndefined();
  });

  it('refuses it with a 400 naming the field', () => {
    expect(() => refuseNulText({ name: 'a\u0000b' })).toThrow(
      expect.objectContaining({ status: 400, param: 'name' }) as GatewayError,
    );
  });

  it('replaces it with U+FFFD in a stored copy', () => {
    expect(withoutNul({ text: 'a\u0000b', n: 1 })).toEqual({ text: 'a\ufffdb', n: 1 });
  });
});
