import { ProviderError } from './provider-error';
import { checkVideoOptions } from './video-options';

const names = { seconds: 'duration', aspectRatio: 'aspect_ratio', resolution: 'mode' };
const options = { seconds: [5, 10], aspectRatios: ['16:9', '9:16'], resolutions: ['std', 'pro'] };

describe('checkVideoOptions', () => {
  it('passes allowed values and requests that name none', () => {
    expect(() =>
      checkVideoOptions({ durationSeconds: 5, aspectRatio: '9:16' }, options, 'kling', names),
    ).not.toThrow();
    expect(() => checkVideoOptions({}, options, 'kling', names)).not.toThrow();
    expect(() => checkVideoOptions({ durationSeconds: 7 }, undefined, 'kling', names)).not.toThrow();
  });

  it.each([
    [{ durationSeconds: 7 }, 'duration', 'allowed: 5, 10'],
    [{ aspectRatio: '1:1' }, 'aspect_ratio', 'allowed: 16:9, 9:16'],
    [{ resolution: '4k' }, 'mode', 'allowed: std, pro'],
  ])('refuses %j naming the caller field and listing the allowed values', (req, param, allowed) => {
    let err: unknown;
    try {
      checkVideoOptions(req, options, 'kling', names);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'invalid_request', param });
    expect((err as Error).message).toContain(allowed);
  });
});
