// UInt64 amounts as bigint, and their exchange with the database (numeric(20,0) columns arrive as decimal strings
// and are sent as decimal strings, so no driver ever sees a float).
import { invalidArgument } from './errors';

export const UINT64_MAX = 2n ** 64n - 1n;

export function isUInt64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= UINT64_MAX;
}

/** Throws invalid_argument unless `value` is a bigint in 0..2^64-1 (and ≥ 1 when `positive`). */
export function checkUInt64(value: unknown, field: string, options: { positive?: boolean } = {}): bigint {
  if (!isUInt64(value)) throw invalidArgument(`${field} must be a bigint in 0..${UINT64_MAX}`);
  if (options.positive && value === 0n) throw invalidArgument(`${field} must be greater than zero`);
  return value;
}

/** A numeric/bigint column value as bigint; null stays null. */
export function fromDbAmount(value: unknown): bigint;
export function fromDbAmount(value: unknown, nullable: true): bigint | null;
export function fromDbAmount(value: unknown, nullable = false): bigint | null {
  if (value === null || value === undefined) {
    if (nullable) return null;
    throw new TypeError('expected an amount, got null');
  }
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`not an integer amount: ${String(value)}`);
}

export function toDbAmount(value: bigint): string;
export function toDbAmount(value: bigint | null | undefined): string | null;
export function toDbAmount(value: bigint | null | undefined): string | null {
  return value === null || value === undefined ? null : value.toString();
}
