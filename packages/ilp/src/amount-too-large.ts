// F08 Amount Too Large reject data (asn1/InterledgerErrorData.asn): receivedAmount UInt64 ‖ maximumAmount UInt64,
// both in the units of the account the rejecting node received the Prepare on.
import { checkUInt64 } from './fields';
import { readUInt64At, writeUInt64At } from './oer';

export interface AmountTooLargeData {
  receivedAmount: bigint;
  maximumAmount: bigint;
}

const LENGTH = 16;

/** Throws IlpEncodeError when an amount is outside UInt64. */
export function serializeAmountTooLargeData(amounts: AmountTooLargeData): Buffer {
  checkUInt64(amounts.receivedAmount, 'receivedAmount');
  checkUInt64(amounts.maximumAmount, 'maximumAmount');
  const buffer = Buffer.allocUnsafe(LENGTH);
  writeUInt64At(buffer, writeUInt64At(buffer, 0, amounts.receivedAmount), amounts.maximumAmount);
  return buffer;
}

/**
 * Undefined when `data` is shorter than 16 bytes: senders then fall back to guessing (RFC 0027 makes the data a
 * SHOULD). Bytes after the two amounts are ignored, as OER extensibility asks.
 */
export function deserializeAmountTooLargeData(data: Buffer): AmountTooLargeData | undefined {
  if (!Buffer.isBuffer(data) || data.length < LENGTH) return undefined;
  return { receivedAmount: readUInt64At(data, 0), maximumAmount: readUInt64At(data, 8) };
}
