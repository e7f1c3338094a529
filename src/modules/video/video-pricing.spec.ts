import { PRICE_TABLE } from '../usage/pricing/price-table';
import { pricingResolution, requestedSeconds, videoCostText, videoReserveNano } from './video-pricing';

describe('video pricing', () => {
  it('seconds: the requested ones, else the provider default', () => {
    expect(requestedSeconds('kling', 10)).toBe('10');
    expect(requestedSeconds('gemini', undefined)).toBe('8');
    expect(requestedSeconds('openai', undefined)).toBe('4');
  });

  it('Kling modes price as their resolutions', () => {
    expect(pricingResolution('std')).toBe('720p');
    expect(pricingResolution('pro')).toBe('1080p');
    expect(pricingResolution('480p')).toBe('480p');
  });

  it('costs are exact decimals at the resolution price', () => {
    const seedance = PRICE_TABLE['seedance-1-0-pro-250528'];
    expect(videoCostText(seedance, '5', '720p')).toBe('0.27');
    expect(videoCostText(seedance, '5.04', '1080p')).toBe('0.62496');
  });

  it('the reservation is the costliest resolution when the request names none, rounded up to nano-USD', () => {
    const seedance = PRICE_TABLE['seedance-1-0-pro-250528'];
    expect(videoReserveNano([seedance], '5')).toBe(620_000_000);
    expect(videoReserveNano([seedance], '5', '480p')).toBe(125_000_000);
    expect(videoReserveNano([seedance, PRICE_TABLE['veo-3.0-generate-001']], '5')).toBe(2_000_000_000);
  });
});
