import { pcmDurationSeconds, pcmToWav, wavDurationSeconds } from './wav';

const MONO_24K = { sampleRate: 24_000, channels: 1, bitsPerSample: 16 };

describe('wav', () => {
  it('wraps PCM in a canonical 44-byte header whose duration reads back', () => {
    const pcm = Buffer.alloc(48_000 * 3);
    const wav = pcmToWav(pcm, MONO_24K);
    expect(wav.length).toBe(44 + pcm.length);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + pcm.length);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(28)).toBe(48_000);
    expect(wav.readUInt16LE(32)).toBe(2);
    expect(wavDurationSeconds(wav)).toBe(3);
  });

  it('skips chunks before `data` (LIST) and counts only the bytes present of a streamed data size', () => {
    const wav = pcmToWav(Buffer.alloc(48_000), MONO_24K);
    const list = Buffer.concat([Buffer.from('LIST', 'ascii'), Buffer.from([5, 0, 0, 0]), Buffer.alloc(6)]);
    const withList = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
    expect(wavDurationSeconds(withList)).toBe(1);
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0xffffffff, 40);
    expect(wavDurationSeconds(streamed.subarray(0, 44 + 24_000))).toBe(0.5);
  });

  it('reads nothing from other containers or truncated headers', () => {
    expect(wavDurationSeconds(Buffer.from('ID3\u0004mp3 bytes'))).toBeUndefined();
    expect(wavDurationSeconds(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeUndefined();
    expect(pcmDurationSeconds(10, { sampleRate: 0, channels: 1, bitsPerSample: 16 })).toBeUndefined();
  });
});
