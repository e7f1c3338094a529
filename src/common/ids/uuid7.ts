import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Usage records are
 * keyed by it, so their primary-key index grows at its right edge instead of at random pages (a random
 * UUID touches a cold index page per insert once the table outgrows the buffer cache).
 */
export function uuid7(now: number = Date.now()): string {
  if (offset + 10 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(10 * POOL_IDS));
    offset = 0;
  }
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(now, 0, 6);
  pool.copy(b, 6, offset, offset + 10);
  offset += 10;
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
