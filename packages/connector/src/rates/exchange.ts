// Converting a packet amount between the incoming and the outgoing asset:
//   out = floor(in × rate × (1 − spread) × 10^(outScale − inScale))
// in one exact integer division, so the only rounding is the final floor (toward the connector).
import { floorMultiply, multiply, type Rational } from './rational';
import type { AssetUnit } from './rates-provider';

/** Same currency code: no exchange happens, so neither a rate nor a spread applies (only the scale changes). */
export function isSameCurrency(from: AssetUnit, to: AssetUnit): boolean {
  return from.code === to.code;
}

/** 10^(to.scale − from.scale) as an exact rational. */
export function scaleFactor(from: AssetUnit, to: AssetUnit): Rational {
  const shift = to.scale - from.scale;
  return shift >= 0
    ? { numerator: 10n ** BigInt(shift), denominator: 1n }
    : { numerator: 1n, denominator: 10n ** BigInt(-shift) };
}

/** The complete multiplier from incoming units to outgoing units. `spread` is a fraction in [0, 1). */
export function effectiveRate(from: AssetUnit, to: AssetUnit, rate: Rational, spread: Rational): Rational {
  const keep: Rational = { numerator: spread.denominator - spread.numerator, denominator: spread.denominator };
  return multiply(multiply(rate, keep), scaleFactor(from, to));
}

export function convertAmount(amount: bigint, multiplier: Rational): bigint {
  return floorMultiply(amount, multiplier);
}
