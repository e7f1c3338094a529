import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { CapturedRequest } from './fake-http';

/**
 * A deterministic fake MP4 for `seed`: an `ftyp` box, then one `mdat` box filled with bytes derived
 * from the seed (SHA-256 in counter mode). 256–320 KiB, the size itself derived from the seed, so
 * ranged reads and content-length matter. Same seed, same bytes.
 */
export function fakeMp4(seed: string): Buffer {
  const size = 256 * 1024 + createHash('sha256').update(`size:${seed}`).digest().readUInt16BE(0);
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32BE(32, 0);
  bytes.write('ftypisom', 4, 'latin1');
  bytes.writeUInt32BE(0x200, 12);
  bytes.write('isomiso2avc1mp41', 16, 'latin1');
  bytes.writeUInt32BE(size - 32, 32);
  bytes.write('mdat', 36, 'latin1');
  fill(bytes, 40, seed);
  return bytes;
}

/** A small deterministic image with the right magic bytes (Sora's thumbnail / spritesheet variants). */
export function fakeImage(seed: string, type: 'image/webp' | 'image/jpeg'): Buffer {
  const size = 2048;
  const bytes = Buffer.alloc(size);
  if (type === 'image/webp') {
    bytes.write('RIFF', 0, 'latin1');
    bytes.writeUInt32LE(size - 8, 4);
    bytes.write('WEBPVP8 ', 8, 'latin1');
    fill(bytes, 16, seed);
  } else {
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes, 0);
    fill(bytes, 4, seed);
    Buffer.from([0xff, 0xd9]).copy(bytes, size - 2);
  }
  return bytes;
}

function fill(bytes: Buffer, from: number, seed: string): void {
  for (let offset = from, i = 0; offset < bytes.length; offset += 32, i++)
    createHash('sha256').update(`${seed}:${i}`).digest().copy(bytes, offset);
}

/**
 * Serves `bytes` as a storage host does: `content-length`, `accept-ranges: bytes`, an `etag`, and one
 * `Range: bytes=a-b | a- | -n` answered 206 with `content-range` (416 with `bytes *\/total` when it
 * starts past the end; a malformed or multi-part range is ignored and the whole body sent). HEAD gets
 * the headers only.
 */
export function serveBytes(req: CapturedRequest, res: ServerResponse, bytes: Buffer, type: string): void {
  const total = bytes.length;
  const headers = {
    'content-type': type,
    'accept-ranges': 'bytes',
    etag: `"${createHash('sha1').update(bytes).digest('hex')}"`,
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? '').trim());
  if (range && (range[1] !== '' || range[2] !== '')) {
    let start: number;
    let end: number;
    if (range[1] === '') {
      start = Math.max(0, total - Number(range[2]));
      end = Number(range[2]) === 0 ? -1 : total - 1;
    } else {
      start = Number(range[1]);
      end = range[2] === '' ? total - 1 : Math.min(Number(range[2]), total - 1);
    }
    const backwards = range[1] !== '' && range[2] !== '' && Number(range[2]) < start;
    if (!backwards) {
      if (start >= total || end < start) {
        res.writeHead(416, { 'content-range': `bytes */${total}` });
        return void res.end();
      }
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${end}/${total}`,
        'content-length': String(end - start + 1),
      });
      return void res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
    }
  }
  res.writeHead(200, { ...headers, 'content-length': String(total) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
