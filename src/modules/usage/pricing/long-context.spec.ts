import { costOf } from './cost';
import { pricingForPrompt } from './long-context';
import { PRICE_TABLE, effectivePricing } from './price-table';

describe('long-context tier (issue 14 item 3)', () => {
  const pro = PRICE_TABLE['gemini-2.5-pro'];

  it("ships Google's published tiers for the Pro models", () => {
    expect(pro).toMatchObject({
      input_per_mtok: '1.25',
      output_per_mtok: '10.00',
      cached_input_per_mtok: '0.125',
      long_context: {
        threshold_tokens: '200000',
        input_per_mtok: '2.50',
        output_per_mtok: '15.00',
        cached_input_per_mtok: '0.25',
      },
    });
    expect(PRICE_TABLE['gemini-3-pro-preview'].long_context).toEqual({
      threshold_tokens: '200000',
      input_per_mtok: '4.00',
      output_per_mtok: '18.00',
      cached_input_per_mtok: '0.40',
    });
  });

  it('a 300k-token prompt bills the whole request at the upper rates', () => {
    // 300000 × 2.50 + 1000 × 15 = 750000 + 15000 per M = 0.765 (was 0.385 at the ≤ 200k rates)
    expect(costOf({ promptTokens: 300_000, completionTokens: 1000 }, pro).toFixed()).toBe('0.765');
  });

  it('cached tokens and thinking tokens follow the tier too', () => {
    // 100000 text × 2.50 + 200000 cached × 0.25 + 2000 output (1500 thinking) × 15 = 250000 + 50000 + 30000
    const usage = {
      promptTokens: 300_000,
      cachedTokens: 200_000,
      completionTokens: 2000,
      reasoningTokens: 1500,
    };
    expect(costOf(usage, pro).toFixed()).toBe('0.33');
  });

  it('a prompt of exactly the threshold stays in the lower tier', () => {
    // 200000 × 1.25 + 1000 × 10 = 250000 + 10000 per M
    expect(costOf({ promptTokens: 200_000, completionTokens: 1000 }, pro).toFixed()).toBe('0.26');
    expect(pricingForPrompt(pro, 200_000)).toBe(pro);
    expect(pricingForPrompt(pro, 200_001)).not.toBe(pro);
  });

  it('models without a tier are unaffected', () => {
    const flash = PRICE_TABLE['gemini-2.5-flash'];
    expect(pricingForPrompt(flash, 900_000)).toBe(flash);
    expect(costOf({ promptTokens: 300_000, completionTokens: 0 }, flash).toFixed()).toBe('0.09');
  });

  it('a catalog long_context replaces the shipped tier as a whole', () => {
    const p = effectivePricing(
      { long_context: { threshold_tokens: '100000', input_per_mtok: '3' } },
      'gemini-2.5-pro',
    );
    expect(p.long_context).toEqual({ threshold_tokens: '100000', input_per_mtok: '3' });
    // 150000 × 3 + 1000 × 10 (no tier output: the base output) = 460000 per M
    expect(costOf({ promptTokens: 150_000, completionTokens: 1000 }, p).toFixed()).toBe('0.46');
    // no tier cached price: the tier's input price (100000 × 3 + 50000 × 3)
    expect(costOf({ promptTokens: 150_000, cachedTokens: 50_000, completionTokens: 0 }, p).toFixed()).toBe(
      '0.45',
    );
  });

  it('the upper tier is built once per pricing object', () => {
    const p = { input_per_mtok: '1', long_context: { threshold_tokens: '10', input_per_mtok: '2' } };
    const upper = pricingForPrompt(p, 11);
    expect(upper).toEqual({ input_per_mtok: '2', cached_input_per_mtok: '2' });
    expect(pricingForPrompt(p, 1_000)).toBe(upper);
  });
});
