/** The PCM layout of a WAV file or of raw PCM samples. */
export interface PcmFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/**
 * The duration of a RIFF/WAVE file from its header (`fmt ` and `data` chunks), in seconds, or
 * undefined when the bytes are not a WAV file this can read (other containers: mp3, m4a, webm …).
 * Only the chunk headers are read; a `data` size past the end (a streamed WAV) counts the bytes present.
 */
export function wavDurationSeconds(bytes: Uint8Array): number | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
    return undefined;
  let format: PcmFormat | undefined;
  let at = 12;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    const start = at + 8;
    if (id === 'fmt ' && start + 16 <= b.length)
      format = {
        channels: b.readUInt16LE(start + 2),
        sampleRate: b.readUInt32LE(start + 4),
        bitsPerSample: b.readUInt16LE(start + 14),
      };
    if (id === 'data') {
      if (!format) return undefined;
      const present = Math.min(size, b.length - start);
      return pcmDurationSeconds(present, format);
    }
    at = start + size + (size % 2);
  }
  return undefined;
}

/** Seconds of raw PCM audio of `byteLength` bytes (undefined for a degenerate format). */
export function pcmDurationSeconds(byteLength: number, f: PcmFormat): number | undefined {
  const bytesPerSecond = f.sampleRate * f.channels * (f.bitsPerSample / 8);
  return bytesPerSecond > 0 ? byteLength / bytesPerSecond : undefined;
}

/** A 44-byte canonical WAV header for `dataLength` bytes of little-endian PCM. */
export function wavHeader(dataLength: number, f: PcmFormat): Buffer {
  const h = Buffer.alloc(44);
  const blockAlign = f.channels * (f.bitsPerSample / 8);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataLength, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(f.channels, 22);
  h.writeUInt32LE(f.sampleRate, 24);
  h.writeUInt32LE(f.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(f.bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataLength, 40);
  return h;
}

/** Raw PCM wrapped as a WAV file (one copy of the samples). */
export function pcmToWav(pcm: Uint8Array, f: PcmFormat): Buffer {
  return Buffer.concat([wavHeader(pcm.byteLength, f), pcm]);
}
