import type { Amount } from './types';

const MAX_UINT64 = 2n ** 64n - 1n;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** True for a canonical decimal string of an unsigned 64-bit integer (no sign, no leading zeros). */
export function isUint64String(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 20 && DECIMAL.test(value) && BigInt(value) <= MAX_UINT64;
}

/** `{ value: "12345", assetScale: 2, assetCode: "USD" }` → `"123.45 USD"`: what a person reads on a consent screen. */
export function formatAmount(amount: Amount): string {
  const digits = amount.value.padStart(amount.assetScale + 1, '0');
  const whole = digits.slice(0, digits.length - amount.assetScale);
  const fraction = digits.slice(digits.length - amount.assetScale);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fraction === '' ? grouped : `${grouped}.${fraction}`} ${amount.assetCode}`;
}
