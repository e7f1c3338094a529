/** Bitrates (kbit/s) by index, MPEG-1 Layer III and MPEG-2/2.5 Layer III; 0 and 15 are invalid. */
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Sample rates (Hz) by index, MPEG-1; MPEG-2 halves them, MPEG-2.5 quarters them. */
const RATES_V1 = [44_100, 48_000, 32_000];

interface FrameHeader {
  length: number;
  samples: number;
  sampleRate: number;
}

/** The Layer III frame header at `b[at..at+4]`, or undefined when those bytes are not one. */
function frameHeaderAt(b: Uint8Array, at: number): FrameHeader | undefined {
  if (b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return undefined;
  const version = (b[at + 1] >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
  const layer = (b[at + 1] >> 1) & 3; // 1: Layer III
  const bitrateIndex = b[at + 2] >> 4;
  const rateIndex = (b[at + 2] >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return undefined;
  const v1 = version === 3;
  const sampleRate = RATES_V1[rateIndex] / (v1 ? 1 : version === 2 ? 2 : 4);
  const bitrate = (v1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex] * 1000;
  const samples = v1 ? 1152 : 576;
  const padding = (b[at + 2] >> 1) & 1;
  return { length: Math.floor((samples / 8) * (bitrate / sampleRate)) + padding, samples, sampleRate };
}

/**
 * The duration of an MP3 stream (MPEG-1/2/2.5 Layer III, what OpenAI's speech answers as `mp3`), read
 * from its frame headers as the chunks pass: samples per frame over the frame's sample rate, summed.
 * An ID3v2 tag at the start is skipped, bytes that are not a frame header are stepped over one by one
 * (an ID3v1 tag, junk), and a Xing/Info frame (an encoder's table of contents, no audio) is not counted.
 * Constant memory: at most a frame header's 3 bytes are carried from one chunk to the next.
 */
export class Mp3Duration {
  /** Bytes of the current frame (or tag) still to pass before the next header. */
  private skip = 0;
  /** The start of a header cut by a chunk's end. */
  private carry = new Uint8Array(0);
  private started = false;
  private frames = 0;
  /** Samples counted per sample rate (one rate in practice). */
  private readonly samples = new Map<number, number>();

  push(chunk: Uint8Array): void {
    let b = chunk;
    if (this.carry.length > 0) {
      b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry);
      b.set(chunk, this.carry.length);
      this.carry = new Uint8Array(0);
    }
    let at = 0;
    while (at < b.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, b.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const need = this.started ? 4 : 10;
      if (b.length - at < need) {
        this.carry = b.slice(at);
        return;
      }
      if (!this.started) {
        this.started = true;
        if (b[at] === 0x49 && b[at + 1] === 0x44 && b[at + 2] === 0x33) {
          // ID3v2: 10-byte header, then a syncsafe size (7 bits a byte)
          this.skip = 10 + ((b[at + 6] << 21) | (b[at + 7] << 14) | (b[at + 8] << 7) | b[at + 9]);
          continue;
        }
      }
      const h = frameHeaderAt(b, at);
      if (!h) {
        at++;
        continue;
      }
      if (!(this.frames === 0 && isInfoFrame(b, at, h.length)))
        this.samples.set(h.sampleRate, (this.samples.get(h.sampleRate) ?? 0) + h.samples);
      this.frames++;
      this.skip = h.length;
    }
  }

  /** Seconds of the frames seen; undefined when none was an MP3 frame. */
  seconds(): number | undefined {
    if (this.frames === 0) return undefined;
    let s = 0;
    for (const [rate, n] of this.samples) s += n / rate;
    return s;
  }
}

/** A first frame holding a Xing or Info tag (within its first 40 bytes, as LAME writes it). */
function isInfoFrame(b: Uint8Array, at: number, length: number): boolean {
  const end = Math.min(at + Math.min(length, 40), b.length - 3);
  for (let i = at + 4; i < end; i++) {
    const tag = String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);
    if (tag === 'Xing' || tag === 'Info') return true;
  }
  return false;
}
