import { GatewayError } from '../../common/errors/gateway-error';
import { parseProviderFilter, parseStatusFilter } from './usage-log-filters';

describe('usage logs: the status and provider filters', () => {
  it('takes a code, a class, error and success', () => {
    expect(parseStatusFilter('429')).toEqual({ min: 429, max: 429 });
    expect(parseStatusFilter('5xx')).toEqual({ min: 500, max: 599 });
    expect(parseStatusFilter('4XX')).toEqual({ min: 400, max: 499 });
    expect(parseStatusFilter('error')).toEqual({ min: 400, max: 599 });
    expect(parseStatusFilter('success')).toEqual({ min: 100, max: 399 });
    expect(parseStatusFilter(undefined)).toBeUndefined();
    expect(parseStatusFilter('')).toBeUndefined();
  });

  it('refuses anything else as a 400 naming the parameter', () => {
    for (const bad of ['600', '42', '4x', 'errors', 'constructor', ['200', '500']]) {
      let err: unknown;
      try {
        parseStatusFilter(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GatewayError);
      expect(err).toMatchObject({ code: 'invalid_request', param: 'status' });
    }
  });

  it('matches a provider exactly; an array (provider=a&provider=b) is refused', () => {
    expect(parseProviderFilter('openai')).toBe('openai');
    expect(parseProviderFilter('')).toBeUndefined();
    expect(() => parseProviderFilter(['a', 'b'])).toThrow(GatewayError);
  });
});
