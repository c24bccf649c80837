import { randomBytes } from 'node:crypto';

let lastMs = 0;
let lastRandom: Buffer = Buffer.alloc(10);

/**
 * A UUIDv7 (RFC 9562): a millisecond timestamp followed by random bits, monotonic within this process (ids made in
 * the same millisecond count up). Lists page by (created_at, id); where two rows share a timestamp — the embedded
 * database's clock is only millisecond-precise — the id still orders them by creation.
 */
export function sortableId(now = Date.now()): string {
  let random: Buffer;
  if (now <= lastMs) {
    now = lastMs;
    random = Buffer.from(lastRandom);
    // Count up in the 74 random bits, from the last byte.
    for (let i = random.length - 1; i >= 0; i--) {
      random[i] = (random[i] + 1) & 0xff;
      if (random[i] !== 0) break;
    }
  } else {
    random = randomBytes(10);
    random[0] &= 0x7f; // headroom so counting up does not overflow the millisecond
  }
  lastMs = now;
  lastRandom = random;
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(now, 0, 6);
  random.copy(bytes, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
