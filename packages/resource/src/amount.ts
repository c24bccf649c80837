import { invalidRequest } from './open-payments-error';

export const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;

/** An Open Payments amount: `value` is a UInt64 in the asset's smallest unit. */
export interface Amount {
  value: bigint;
  assetCode: string;
  assetScale: number;
}

export interface AmountJson {
  value: string;
  assetCode: string;
  assetScale: number;
}

export function amountToJson(amount: Amount): AmountJson {
  return { value: amount.value.toString(), assetCode: amount.assetCode, assetScale: amount.assetScale };
}

/** Parses a UInt64 decimal string strictly (no sign, no exponent, no fraction). */
export function parseUInt64(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(value)) {
    throw invalidRequest(`${field} must be an unsigned 64-bit integer as a decimal string`);
  }
  const parsed = BigInt(value);
  if (parsed > MAX_UINT64) throw invalidRequest(`${field} is larger than 2^64 - 1`);
  return parsed;
}

/** Reads a request amount that must be positive and in the given asset. */
export function parseAmount(input: unknown, field: string, asset: { assetCode: string; assetScale: number }): Amount {
  if (typeof input !== 'object' || input === null) throw invalidRequest(`${field} must be an amount object`);
  const { value, assetCode, assetScale } = input as Record<string, unknown>;
  const parsed = parseUInt64(value, `${field}.value`);
  if (parsed === 0n) throw invalidRequest(`${field}.value must be greater than zero`);
  if (assetCode !== asset.assetCode || assetScale !== asset.assetScale) {
    // Only the asset: callers pass whole records (a wallet address), whose other fields are not the client's business.
    throw invalidRequest(`${field} must be in ${asset.assetCode} with scale ${asset.assetScale}`, {
      expected: { assetCode: asset.assetCode, assetScale: asset.assetScale },
    });
  }
  return { value: parsed, assetCode: asset.assetCode, assetScale: asset.assetScale };
}

/** numeric columns arrive as strings from both drivers. */
export function bigintFromColumn(value: unknown): bigint {
  return BigInt(String(value));
}
