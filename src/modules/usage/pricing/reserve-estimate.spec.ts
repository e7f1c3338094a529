import { PRICE_TABLE } from './price-table';
import { reserveEstimateNano, reserveRatesOf } from './reserve-estimate';

describe('budget reservation estimate (issue 14 item 4)', () => {
  it('an image model reserves its output at the image output rate', () => {
    // gemini-3-pro-image-preview: 10 × 2.00 + 1290 × 120 = 20 + 154800 per M = $0.15482
    // (the text output rate reserved 10 × 2 + 1290 × 12 = $0.01550, a tenth of the real cost)
    expect(reserveEstimateNano(10, 1290, PRICE_TABLE['gemini-3-pro-image-preview'])).toBe(154_820_000);
  });

  it('the highest of the text, reasoning and image output rates, and audio when the request asks for it', () => {
    const p = {
      input_per_mtok: '1',
      output_per_mtok: '2',
      reasoning_per_mtok: '7',
      audio_output_per_mtok: '5',
    };
    expect(reserveEstimateNano(0, 1_000_000, p)).toBe(7_000_000_000);
    const audio = PRICE_TABLE['gpt-4o-audio-preview'];
    expect(reserveEstimateNano(0, 1_000_000, audio)).toBe(10_000_000_000);
    expect(reserveEstimateNano(0, 1_000_000, audio, true)).toBe(80_000_000_000);
    expect(reserveEstimateNano(0, 1_000_000, PRICE_TABLE['gemini-2.5-flash-preview-tts'])).toBe(
      10_000_000_000,
    );
  });

  it('the long-context tier when the estimated prompt crosses the threshold', () => {
    const pro = PRICE_TABLE['gemini-2.5-pro'];
    // 200000 × 1.25 + 1000 × 10 = 260000 per M
    expect(reserveEstimateNano(200_000, 1000, pro)).toBe(260_000_000);
    // 300000 × 2.50 + 1000 × 15 = 765000 per M
    expect(reserveEstimateNano(300_000, 1000, pro)).toBe(765_000_000);
  });

  it('the costliest pricing of a route, tier by tier', () => {
    const cheap = { input_per_mtok: '1', output_per_mtok: '1', per_request: '0.001' };
    const tiered = {
      input_per_mtok: '0.5',
      output_per_mtok: '0.5',
      long_context: { threshold_tokens: '1000', input_per_mtok: '3', output_per_mtok: '4' },
    };
    const image = { input_per_mtok: '0.1', output_per_mtok: '0.1', image_output_per_mtok: '2' };
    const rates = reserveRatesOf([cheap, tiered, image]);
    // ≤ 1000: per_request $0.001 + 1000 × 1 (input max) + 1000 × 2 (image output) per M
    expect(reserveEstimateNano(1000, 1000, rates)).toBe(1_000_000 + 1_000_000 + 2_000_000);
    // > 1000: input max 3, output max 4
    expect(reserveEstimateNano(1001, 1000, rates)).toBe(1_000_000 + 3_003_000 + 4_000_000);
  });

  it('rounds up to a whole nano-USD', () => {
    expect(reserveEstimateNano(1, 0, { input_per_mtok: '0.0001' })).toBe(1);
  });
});
