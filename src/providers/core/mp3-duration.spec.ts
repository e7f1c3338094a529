import { Mp3Duration } from './mp3-duration';

/** `n` MPEG-2 Layer III frames, 24 kHz, 32 kbit/s mono (96 bytes, 576 samples = 0.024 s each). */
function frames(n: number): Buffer {
  const frame = Buffer.alloc(96, 0x55);
  frame.set([0xff, 0xf3, 0x44, 0xc4]);
  return Buffer.concat(Array.from({ length: n }, () => frame));
}

function durationOf(chunks: Uint8Array[]): number | undefined {
  const d = new Mp3Duration();
  for (const c of chunks) d.push(c);
  return d.seconds();
}

describe('Mp3Duration: seconds from the frame headers as the chunks pass', () => {
  it('sums the frames, whatever the chunking (headers cut across chunks)', () => {
    const mp3 = frames(50);
    expect(durationOf([mp3])).toBeCloseTo(1.2, 9);
    for (const size of [1, 3, 7, 95, 97, 500]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < mp3.length; i += size) chunks.push(mp3.subarray(i, i + size));
      expect(durationOf(chunks)).toBeCloseTo(1.2, 9);
    }
  });

  it('MPEG-1 at 44.1 kHz with padding: 1,152 samples a frame', () => {
    // 128 kbit/s, 44.1 kHz: 417 bytes, 418 with the padding bit
    const plain = Buffer.alloc(417);
    plain.set([0xff, 0xfb, 0x90, 0xc4]);
    const padded = Buffer.alloc(418);
    padded.set([0xff, 0xfb, 0x92, 0xc4]);
    expect(durationOf([plain, padded, plain])).toBeCloseTo((3 * 1152) / 44_100, 9);
  });

  it('skips an ID3v2 tag, junk and an ID3v1 tag; does not count a Xing/Info frame', () => {
    const id3 = Buffer.concat([
      Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 1, 0]),
      Buffer.alloc(128, 0xff),
    ]);
    const info = frames(1);
    info.write('Info', 4 + 17, 'latin1');
    const tail = Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125, 0x20)]);
    expect(durationOf([id3, info, Buffer.from('junk'), frames(10), tail])).toBeCloseTo(0.24, 9);
  });

  it('undefined when no frame was seen (another format)', () => {
    expect(durationOf([Buffer.from('OggS and more bytes than a header')])).toBeUndefined();
    expect(durationOf([])).toBeUndefined();
  });
});
