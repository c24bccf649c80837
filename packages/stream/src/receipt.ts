// STREAM receipts (RFC 0039, PROTOCOLS.md §4.8). A receipt proves to a third party (who shares `secret` with the
// receiver) that the receiver has received at least `totalReceived` on stream `streamId` of the connection `nonce`.
//
//   version UInt8 (=1) ‖ nonce 16 B ‖ streamId UInt8 ‖ totalReceived UInt64 BE ‖ HMAC-SHA256(secret, first 26 bytes)
//
// streamId is one byte on the wire, so only stream ids 0–255 can carry receipts.
import { timingSafeEqual } from 'node:crypto';
import { MAX_UINT64 } from '@sluice/ilp';
import { hmacSha256 } from './crypto';
import { StreamReceiptError } from './errors';

export const RECEIPT_VERSION = 1;
export const RECEIPT_LENGTH = 58;
const SIGNED_LENGTH = 26;

export interface ReceiptParams {
  /** 16 bytes chosen by the verifier when the connection was set up. */
  nonce: Uint8Array;
  /** 32 bytes shared by receiver and verifier. */
  secret: Uint8Array;
  streamId: number | bigint;
  /** Cumulative amount received on this stream, in the receiver's units. */
  totalReceived: bigint;
}

export interface Receipt {
  version: number;
  nonce: Buffer;
  streamId: number;
  totalReceived: bigint;
  hmac: Buffer;
}

export function createReceipt({ nonce, secret, streamId, totalReceived }: ReceiptParams): Buffer {
  if (nonce.length !== 16) throw new RangeError('receipt nonce must be 16 bytes');
  if (secret.length !== 32) throw new RangeError('receipt secret must be 32 bytes');
  const id = Number(streamId);
  if (!Number.isInteger(id) || id < 0 || id > 0xff)
    throw new RangeError(`receipt stream id must be 0–255: ${streamId}`);
  if (totalReceived < 0n || totalReceived > MAX_UINT64)
    throw new RangeError(`totalReceived out of range: ${totalReceived}`);
  const receipt = Buffer.alloc(RECEIPT_LENGTH);
  receipt[0] = RECEIPT_VERSION;
  receipt.set(nonce, 1);
  receipt[17] = id;
  receipt.writeBigUInt64BE(totalReceived, 18);
  hmacSha256(secret, receipt.subarray(0, SIGNED_LENGTH)).copy(receipt, SIGNED_LENGTH);
  return receipt;
}

/** Parses a receipt without checking its HMAC. */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  if (bytes.length !== RECEIPT_LENGTH) {
    throw new StreamReceiptError('MALFORMED_RECEIPT', `receipt must be ${RECEIPT_LENGTH} bytes, got ${bytes.length}`);
  }
  const receipt = Buffer.from(bytes);
  if (receipt[0] !== RECEIPT_VERSION) {
    throw new StreamReceiptError('UNSUPPORTED_RECEIPT_VERSION', `unsupported receipt version: ${receipt[0]}`);
  }
  return {
    version: receipt[0],
    nonce: receipt.subarray(1, 17),
    streamId: receipt[17],
    totalReceived: receipt.readBigUInt64BE(18),
    hmac: receipt.subarray(SIGNED_LENGTH),
  };
}

/**
 * Decodes and authenticates a receipt. `secret` may be a function of the decoded receipt so a verifier can look the
 * secret up by nonce. Crediting only increases of `totalReceived` per nonce is the verifier's job.
 */
export function verifyReceipt(bytes: Uint8Array, secret: Uint8Array | ((receipt: Receipt) => Uint8Array)): Receipt {
  const receipt = decodeReceipt(bytes);
  const key = typeof secret === 'function' ? secret(receipt) : secret;
  const expected = hmacSha256(key, Buffer.from(bytes).subarray(0, SIGNED_LENGTH));
  if (!timingSafeEqual(expected, receipt.hmac))
    throw new StreamReceiptError('INVALID_RECEIPT_HMAC', 'invalid receipt HMAC');
  return receipt;
}
