import { costOf, reserveEstimateNano, toNanoUsd } from './cost';
import { PRICE_TABLE, effectivePricing, shippedPricing } from './price-table';

describe('costOf (contract §9.5), hand-computed', () => {
  it('Gemini context cache: the write at the input price plus tokens × hours × cache_storage_per_mtok_hour', () => {
    // gemini-2.5-flash, 10,000 tokens for 2 h: 10,000 × 0.30 + 10,000 × 2 × 1.00 = 3,000 + 20,000 per M
    const created = costOf(
      { promptTokens: 10_000, completionTokens: 0, cacheWriteTokens: 10_000 },
      PRICE_TABLE['gemini-2.5-flash'],
      { cacheStorage: { tokens: 10_000, seconds: '7200' } },
    );
    expect(created.toFixed()).toBe('0.023');
    // gemini-2.5-pro stores at 4.50: 1,000 tokens for 600 s = 1,000 × 4.50 / 6 = 750 per M; a third of
    // a second rounds up at the records' 10 places.
    const pro = PRICE_TABLE['gemini-2.5-pro'];
    const storage = (seconds: string) =>
      costOf({ promptTokens: 0, completionTokens: 0 }, pro, { cacheStorage: { tokens: 1000, seconds } });
    expect(storage('600').toFixed()).toBe('0.00075');
    expect(storage('0.333').toFixed()).toBe('0.0000004163');
  });

  it('OpenAI: cached tokens are part of prompt and priced at the cached rate', () => {
    // gpt-4o: (1000 − 400) × 2.50 + 400 × 1.25 + 200 × 10.00 = 1500 + 500 + 2000 = 4000 per M → 0.004
    const c = costOf({ promptTokens: 1000, completionTokens: 200, cachedTokens: 400 }, PRICE_TABLE['gpt-4o']);
    expect(c.toFixed()).toBe('0.004');
  });

  it('OpenAI: reasoning tokens are part of completion, priced at output unless reasoning_per_mtok is set', () => {
    // o4-mini: 100 × 1.10 + 1000 × 4.40 = 110 + 4400 = 4510 per M
    expect(
      costOf(
        { promptTokens: 100, completionTokens: 1000, reasoningTokens: 800 },
        PRICE_TABLE['o4-mini'],
      ).toFixed(),
    ).toBe('0.00451');
    // reasoning at 1.00: 100 × 1 + 200 × 2 + 800 × 1 = 1300 per M
    const p = { input_per_mtok: '1', output_per_mtok: '2', reasoning_per_mtok: '1' };
    expect(costOf({ promptTokens: 100, completionTokens: 1000, reasoningTokens: 800 }, p).toFixed()).toBe(
      '0.0013',
    );
  });

  it('Anthropic: input + cache read + cache write each at their own price', () => {
    // claude-sonnet-4-5; prompt = 100 input + 2000 read + 500 write = 2600
    // 100 × 3 + 2000 × 0.30 + 500 × 3.75 + 300 × 15 = 300 + 600 + 1875 + 4500 = 7275 per M
    const c = costOf(
      { promptTokens: 2600, completionTokens: 300, cachedTokens: 2000, cacheWriteTokens: 500 },
      PRICE_TABLE['claude-sonnet-4-5'],
    );
    expect(c.toFixed()).toBe('0.007275');
  });

  it('Anthropic: 1-hour cache writes at cache_write_1h_per_mtok, the rest of the writes at the 5-minute price', () => {
    // claude-sonnet-4-5; prompt = 100 input + 2000 read + (300 5m + 200 1h) write = 2600
    // 100 × 3 + 2000 × 0.30 + 300 × 3.75 + 200 × 6 + 300 × 15 = 300 + 600 + 1125 + 1200 + 4500 = 7725 per M
    const usage = {
      promptTokens: 2600,
      completionTokens: 300,
      cachedTokens: 2000,
      cacheWriteTokens: 500,
      cacheWrite1hTokens: 200,
    };
    expect(costOf(usage, PRICE_TABLE['claude-sonnet-4-5']).toFixed()).toBe('0.007725');
    // every prompt token once: all 1h → 500 × 6 = 3000 (not 500 × 3.75 + 500 × 6)
    const all1h = { ...usage, cacheWrite1hTokens: 500 };
    expect(costOf(all1h, PRICE_TABLE['claude-sonnet-4-5']).toFixed()).toBe('0.0084');
    // a 1h count above the writes (a malformed report) is capped at the writes
    expect(costOf({ ...usage, cacheWrite1hTokens: 9000 }, PRICE_TABLE['claude-sonnet-4-5']).toFixed()).toBe(
      '0.0084',
    );
  });

  it('Anthropic: 1-hour writes fall back to cache_write_per_mtok, then to the input price', () => {
    const usage = {
      promptTokens: 1000,
      completionTokens: 0,
      cacheWriteTokens: 1000,
      cacheWrite1hTokens: 400,
    };
    // 600 × 1.25 + 400 × 1.25 = 1250 per M
    expect(costOf(usage, { input_per_mtok: '1', cache_write_per_mtok: '1.25' }).toFixed()).toBe('0.00125');
    // no cache-write prices at all: every write at input
    expect(costOf(usage, { input_per_mtok: '1' }).toFixed()).toBe('0.001');
    // haiku 4.5: 600 × 1.25 + 400 × 2 = 750 + 800 = 1550 per M
    expect(costOf(usage, PRICE_TABLE['claude-haiku-4-5']).toFixed()).toBe('0.00155');
  });

  it('DeepSeek: cache hit and miss', () => {
    // (10000 − 6000) × 0.28 + 6000 × 0.028 + 1000 × 0.42 = 1120 + 168 + 420 = 1708 per M
    const c = costOf(
      { promptTokens: 10000, completionTokens: 1000, cachedTokens: 6000 },
      PRICE_TABLE['deepseek-chat'],
    );
    expect(c.toFixed()).toBe('0.001708');
  });

  it('Gemini: cached, audio input and thinking tokens (cached audio apportioned when not reported)', () => {
    // gemini-2.5-flash: prompt 5000 of which 2000 audio; 1000 cached, 2000/5000 of them audio = 400;
    // completion 3000 incl. 1000 thoughts. 2400 text × 0.30 + 600 cached text × 0.03 + 400 cached audio
    // × 0.10 + 1600 audio × 1.00 + 3000 × 2.50 = 720 + 18 + 40 + 1600 + 7500 = 9878 per M
    const c = costOf(
      {
        promptTokens: 5000,
        completionTokens: 3000,
        reasoningTokens: 1000,
        cachedTokens: 1000,
        audioInputTokens: 2000,
      },
      PRICE_TABLE['gemini-2.5-flash'],
    );
    expect(c.toFixed()).toBe('0.009878');
  });

  describe('cached audio is billed once (issue 14 item 7)', () => {
    // The reported case: a 1,000-token prompt, 800 of them cached, 900 of them audio (both counts
    // include the cached audio). It was billed as 0 text + 800 cached + 900 audio = 1,700 tokens.
    const usage = { promptTokens: 1000, completionTokens: 0, cachedTokens: 800, audioInputTokens: 900 };
    const onePerToken = {
      input_per_mtok: '1',
      cached_input_per_mtok: '1',
      audio_input_per_mtok: '1',
      cached_audio_input_per_mtok: '1',
    };

    it('every prompt token once: 1,000 tokens, not 1,700', () => {
      expect(costOf(usage, onePerToken).toFixed()).toBe('0.001');
      expect(costOf({ ...usage, cachedAudioTokens: 700 }, onePerToken).toFixed()).toBe('0.001');
    });

    it('at the rate of each kind: uncached text, uncached audio, cached text, cached audio (reported split)', () => {
      // gemini-2.5-flash, cacheTokensDetails AUDIO 700 (TEXT 100): text 100 − 100 cached = 0 × 0.30,
      // 100 cached text × 0.03, 700 cached audio × 0.10, 200 uncached audio × 1.00 = 3 + 70 + 200 = 273 per M
      const c = costOf({ ...usage, cachedAudioTokens: 700 }, PRICE_TABLE['gemini-2.5-flash']);
      expect(c.toFixed()).toBe('0.000273');
    });

    it('apportions the cached tokens in the audio share when the split is not reported', () => {
      // 800 × 900/1000 = 720 cached audio, 80 cached text, 180 audio, 20 text:
      // 20 × 0.30 + 80 × 0.03 + 720 × 0.10 + 180 × 1.00 = 6 + 2.4 + 72 + 180 = 260.4 per M
      expect(costOf(usage, PRICE_TABLE['gemini-2.5-flash']).toFixed()).toBe('0.0002604');
    });

    it('without a cached audio price: the audio price, or the cached price when audio is priced as text', () => {
      // 700 cached audio at audio 2.00 + 100 cached text × 0.5 + 200 audio × 2.00 = 1400 + 50 + 400
      const withAudio = { input_per_mtok: '1', cached_input_per_mtok: '0.5', audio_input_per_mtok: '2' };
      expect(costOf({ ...usage, cachedAudioTokens: 700 }, withAudio).toFixed()).toBe('0.00185');
      // all 800 cached × 0.5 + 200 × 1 = 600
      const textOnly = { input_per_mtok: '1', cached_input_per_mtok: '0.5' };
      expect(costOf({ ...usage, cachedAudioTokens: 700 }, textOnly).toFixed()).toBe('0.0006');
    });
  });

  it('Gemini TTS: audio output at the audio output price', () => {
    // 20 × 0.50 + 5000 × 10.00 = 10 + 50000 per M = 0.05001
    expect(
      costOf(
        { promptTokens: 20, completionTokens: 5000, audioOutputTokens: 5000 },
        PRICE_TABLE['gemini-2.5-flash-preview-tts'],
      ).toFixed(),
    ).toBe('0.05001');
  });

  it('Gemini image output tokens at the image output price', () => {
    // 10 × 0.30 + 1290 × 30 + 20 × 2.50 = 3 + 38700 + 50 = 38753 per M
    const c = costOf(
      { promptTokens: 10, completionTokens: 1310, imageOutputTokens: 1290 },
      PRICE_TABLE['gemini-2.5-flash-image'],
    );
    expect(c.toFixed()).toBe('0.038753');
  });

  it('missing cached_input_per_mtok falls back to input_per_mtok', () => {
    // (1000 − 500) × 1 + 500 × 1 + 0 = 1000 per M
    expect(
      costOf(
        { promptTokens: 1000, completionTokens: 0, cachedTokens: 500 },
        { input_per_mtok: '1', output_per_mtok: '2' },
      ).toFixed(),
    ).toBe('0.001');
  });

  it('is exact where binary floats are not: 0.1 + 0.2 style sums', () => {
    // 3 tokens at 0.1/M + 7 at 0.2/M = 1.7e-6, exactly
    expect(
      costOf(
        { promptTokens: 3, completionTokens: 7 },
        { input_per_mtok: '0.1', output_per_mtok: '0.2' },
      ).toFixed(),
    ).toBe('0.0000017');
  });

  it('per audio second (whisper-1), beside any tokens', () => {
    expect(costOf(undefined, PRICE_TABLE['whisper-1'], { audioSeconds: '90.5' }).toFixed()).toBe('0.00905');
    expect(
      costOf(
        { promptTokens: 1_000_000, completionTokens: 0 },
        { input_per_mtok: '1', per_audio_second: '0.01' },
        {
          audioSeconds: '2',
        },
      ).toFixed(),
    ).toBe('1.02');
  });

  it('per image, per request, per video second and by resolution', () => {
    expect(costOf(undefined, PRICE_TABLE['dall-e-3'], { images: 3 }).toFixed()).toBe('0.12');
    expect(costOf(undefined, { per_request: '0.002' }).toFixed()).toBe('0.002');
    expect(costOf(undefined, PRICE_TABLE['veo-3.0-generate-001'], { videoSeconds: '8' }).toFixed()).toBe(
      '3.2',
    );
    expect(
      costOf(undefined, PRICE_TABLE['sora-2-pro'], { videoSeconds: '12', resolution: '1080p' }).toFixed(),
    ).toBe('6');
    expect(costOf(undefined, PRICE_TABLE['sora-2-pro'], { videoSeconds: '4' }).toFixed()).toBe('1.2');
    expect(
      costOf(undefined, PRICE_TABLE['seedance-1-0-pro-250528'], {
        videoSeconds: '5',
        resolution: '720p',
      }).toFixed(),
    ).toBe('0.27');
    expect(costOf(undefined, PRICE_TABLE['kling-v2-1-master'], { videoSeconds: '10' }).toFixed()).toBe('2.8');
  });

  it('no prices → zero', () => {
    expect(costOf({ promptTokens: 10, completionTokens: 10 }, {}).toFixed()).toBe('0');
  });
});

describe('price table lookup and merge', () => {
  it('finds dated and prefixed model ids', () => {
    expect(shippedPricing('gpt-4o-2024-08-06')).toBe(PRICE_TABLE['gpt-4o']);
    expect(shippedPricing('gpt-4o-mini-2024-07-18')).toBe(PRICE_TABLE['gpt-4o-mini']);
    expect(shippedPricing('claude-sonnet-4-5-20250929')).toBe(PRICE_TABLE['claude-sonnet-4-5']);
    expect(shippedPricing('models/gemini-2.5-flash')).toBe(PRICE_TABLE['gemini-2.5-flash']);
    expect(shippedPricing('unknown-model')).toBeUndefined();
  });

  it('catalog pricing merges over the shipped table', () => {
    const p = effectivePricing({ input_per_mtok: '0.20' }, 'gpt-4o-mini');
    expect(p).toEqual({ input_per_mtok: '0.20', cached_input_per_mtok: '0.075', output_per_mtok: '0.60' });
    expect(effectivePricing({}, 'nope', 'gemini-2.0-flash')).toEqual(PRICE_TABLE['gemini-2.0-flash']);
    expect(effectivePricing({ output_per_mtok: '1' }, 'nope')).toEqual({ output_per_mtok: '1' });
  });

  it('every shipped price is a non-negative decimal string', () => {
    for (const [model, p] of Object.entries(PRICE_TABLE)) {
      for (const [field, v] of Object.entries(p)) {
        const values = typeof v === 'string' ? [v] : Object.values(v ?? {});
        for (const x of values) expect(`${model}.${field}=${x}`).toMatch(/=\d+(\.\d+)?$/);
      }
    }
  });
});

describe('reservation estimate (contract §9.22)', () => {
  it('prompt estimate × input + max_tokens × output', () => {
    // 1000 × 0.15 + 4096 × 0.60 = 150 + 2457.6 = 2607.6 per M = $0.0026076
    expect(reserveEstimateNano(1000, 4096, PRICE_TABLE['gpt-4o-mini'])).toBe(2_607_600);
  });
  it('nano-USD rounds up', () => {
    expect(toNanoUsd('0.0026076')).toBe(2_607_600);
    expect(toNanoUsd('0.0000000001')).toBe(1);
  });
});
