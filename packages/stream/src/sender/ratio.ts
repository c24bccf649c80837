// Exact non-negative rationals for exchange-rate math: amounts are bigint and must never go through floats.

export interface Ratio {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

export function ratio(numerator: bigint, denominator: bigint): Ratio {
  if (denominator <= 0n || numerator < 0n) throw new RangeError(`invalid ratio ${numerator}/${denominator}`);
  return { numerator, denominator };
}

/**
 * Parses a decimal rate exactly: 0.9 means 9/10, not the binary float nearest to it. Accepts numbers, decimal
 * strings and exponent notation ("1e-7"), or a Ratio as is.
 */
export function toRatio(value: number | string | Ratio): Ratio {
  if (typeof value === 'object') return ratio(value.numerator, value.denominator);
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new RangeError(`invalid rate: ${String(value)}`);
  const [, whole, fraction = '', exponentText = '0'] = match;
  let numerator = BigInt(whole + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  const exponent = Number(exponentText);
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  return ratio(numerator, denominator);
}

export function multiplyFloor(amount: bigint, rate: Ratio): bigint {
  return (amount * rate.numerator) / rate.denominator;
}

export function multiplyCeil(amount: bigint, rate: Ratio): bigint {
  return ceilDiv(amount * rate.numerator, rate.denominator);
}

/** amount ÷ rate, rounded up (source needed to deliver `amount` at `rate`). Rate must be positive. */
export function divideCeil(amount: bigint, rate: Ratio): bigint {
  return ceilDiv(amount * rate.denominator, rate.numerator);
}

/** amount ÷ rate, rounded down. Rate must be positive. */
export function divideFloor(amount: bigint, rate: Ratio): bigint {
  return (amount * rate.denominator) / rate.numerator;
}

export function compare(a: Ratio, b: Ratio): -1 | 0 | 1 {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

export function toNumber(rate: Ratio): number {
  return Number(rate.numerator) / Number(rate.denominator);
}
