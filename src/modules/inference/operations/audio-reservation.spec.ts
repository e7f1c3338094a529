import type { ProviderClient } from '../../../providers/core/provider-client';
import { wavHeader } from '../../../providers/core/wav';
import type { ResolvedModel } from '../../routing/catalog.types';
import { reserveRatesOf } from '../../usage/pricing/reserve-estimate';
import { speechOperation } from './audio-speech.operation';
import { reservedAudioSeconds, transcriptionOperation } from './audio-transcription.operation';

const client = {} as ProviderClient;
const resolved = {} as ResolvedModel;

/** A WAV file of `seconds` of 16 kHz 16-bit mono silence. */
function wav(seconds: number): Buffer {
  const data = Buffer.alloc(seconds * 32_000);
  return Buffer.concat([
    wavHeader(data.length, { sampleRate: 16_000, channels: 1, bitsPerSample: 16 }),
    data,
  ]);
}

describe('audio reservations: seconds × per_audio_second, bounded from the request', () => {
  const whisper = reserveRatesOf([{ per_audio_second: '0.0001' }]);

  it('transcription: a WAV upload reserves its header’s seconds (rounded up); another container its bytes at 16 kbit/s', () => {
    expect(reservedAudioSeconds(wav(3))).toBe(3);
    expect(reservedAudioSeconds(Buffer.alloc(2_001))).toBe(2);
    expect(reservedAudioSeconds(Buffer.alloc(1_000_000))).toBe(500);
    const op = transcriptionOperation('audio.transcriptions', client);
    const parsed = (file: Buffer) =>
      op.parse(
        {
          fields: { model: 'whisper' },
          files: [{ field: 'file', filename: 'a', contentType: 'x', data: file }],
        },
        {},
        {},
      );
    // 3 s × 0.0001 = 0.0003 USD = 300,000 nano-USD
    expect(op.reserveNano(parsed(wav(3)), whisper, resolved)).toBe(300_000);
    // a 1 MB mp3: at most 500 s → 0.05 USD
    expect(op.reserveNano(parsed(Buffer.alloc(1_000_000)), whisper, resolved)).toBe(50_000_000);
  });

  it('speech: characters at the input rate plus the slowest speech (5 characters a second ÷ speed) at per_audio_second', () => {
    const miniTts = reserveRatesOf([{ input_per_mtok: '0.60', per_audio_second: '0.00025' }]);
    const op = speechOperation(client);
    const input = 'x'.repeat(50);
    // 50 × 0.60 / 1e6 = 30,000 nano-USD; 10 s × 0.00025 = 2,500,000 nano-USD
    expect(
      op.reserveNano(op.parse({ model: 'mini-tts', input, voice: 'coral' }, {}, {}), miniTts, resolved),
    ).toBe(2_530_000);
    // speed 0.25: 40 s
    expect(
      op.reserveNano(
        op.parse({ model: 'mini-tts', input, voice: 'coral', speed: 0.25 }, {}, {}),
        miniTts,
        resolved,
      ),
    ).toBe(10_030_000);
  });
});
