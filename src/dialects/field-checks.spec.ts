import { isBase64, requireBase64, requireValidDataUri, toStandardBase64 } from './base64-data';
import { DialectValidationError } from './dialect-validation-error';
import { CHOICE_COUNT, INT32_MAX, optIntIn, TOKEN_LIMIT } from './field-ranges';

function paramOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof DialectValidationError) return err.param;
    throw err;
  }
  return undefined;
}

describe('optIntIn (shared range checks, issue 18)', () => {
  it('passes integers in range and absent values; refuses the rest naming the path', () => {
    expect(optIntIn(undefined, 'max_tokens', TOKEN_LIMIT)).toBeUndefined();
    expect(optIntIn(null, 'max_tokens', TOKEN_LIMIT)).toBeUndefined();
    expect(optIntIn(INT32_MAX, 'max_tokens', TOKEN_LIMIT)).toBe(INT32_MAX);
    expect(optIntIn(128, 'n', CHOICE_COUNT)).toBe(128);
    for (const bad of [1e12, INT32_MAX + 1, 0, -1, 1.5, '5', true, Number.NaN])
      expect(paramOf(() => optIntIn(bad, 'max_tokens', TOKEN_LIMIT))).toBe('max_tokens');
    expect(paramOf(() => optIntIn(1000, 'n', CHOICE_COUNT))).toBe('n');
  });

  it("uses the dialect's own failure when given one", () => {
    const fail = (path: string, message: string): never => {
      throw new DialectValidationError(`Invalid value at '${path}': ${message}`, path);
    };
    expect(() => optIntIn(1000, 'generationConfig.candidateCount', CHOICE_COUNT, fail)).toThrow(
      "Invalid value at 'generationConfig.candidateCount': must be an integer from 1 to 128, got 1000",
    );
  });
});

describe('base64 checks (issue 18)', () => {
  it('standard base64: alphabet, optional padding that completes a quad, no 4k+1 length', () => {
    for (const ok of ['QQ==', 'QUI=', 'QUJD', 'QQ', 'QUI', 'a+/9'])
      expect([ok, isBase64(ok)]).toEqual([ok, true]);
    for (const bad of ['', '@@@', 'Q', 'QUJDR', 'QQ=', 'Q===', 'QQ==QQ==', 'QU I=', 'QUI\n', 'a-_9'])
      expect([bad, isBase64(bad)]).toEqual([bad, false]);
  });

  it("Google's kind also takes the URL-safe alphabet, and toStandardBase64 spells it the standard way", () => {
    expect(isBase64('a-_9', 'standard-or-url')).toBe(true);
    expect(isBase64('a-_9!', 'standard-or-url')).toBe(false);
    expect(toStandardBase64('_-8')).toBe('/+8=');
    const same = 'QUJD';
    expect(toStandardBase64(same)).toBe(same);
  });

  it('checks a 20 MB payload in one regular-expression pass (no decoding, no recursion limit)', () => {
    const big = 'QUJD'.repeat(5_000_000);
    expect(isBase64(big)).toBe(true);
    expect(isBase64(`${big}@`)).toBe(false);
  });

  it('requireBase64 and requireValidDataUri name the path; non-data URLs pass untouched', () => {
    expect(paramOf(() => requireBase64('@@@', 'input_audio.data'))).toBe('input_audio.data');
    expect(paramOf(() => requireValidDataUri('data:image/png;base64,@@@', 'url'))).toBe('url');
    expect(paramOf(() => requireValidDataUri('data:image/png;base64', 'url'))).toBe('url');
    expect(requireValidDataUri('data:image/png;base64,QQ==', 'url')).toBe('data:image/png;base64,QQ==');
    expect(requireValidDataUri('DATA:image/png;BASE64,QQ==', 'url')).toBe('DATA:image/png;BASE64,QQ==');
    expect(requireValidDataUri('data:text/plain,hello world', 'url')).toBe('data:text/plain,hello world');
    expect(requireValidDataUri('https://example.com/a.png', 'url')).toBe('https://example.com/a.png');
  });
});
