// Exact non-negative rationals for exchange rates and spreads: no float ever touches an amount.
import { invalidArgument } from '../errors';

export interface Rational {
  numerator: bigint;
  denominator: bigint;
}

export function rational(numerator: bigint, denominator = 1n): Rational {
  if (numerator < 0n || denominator <= 0n)
    throw invalidArgument('a rate must be non-negative with a positive denominator');
  return { numerator, denominator };
}

/**
 * The exact value of a decimal written in ASCII ("1.08", "0.002", "65000") or of a finite JS number through its
 * shortest round-trip decimal form (0.002 → 2/1000, not the binary double's 0.00200000000000000004…).
 */
export function rationalFromDecimal(value: string | number): Rational {
  const text = typeof value === 'number' ? numberToDecimal(value) : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw invalidArgument(`not a non-negative decimal: ${String(value)}`);
  const fraction = match[2] ?? '';
  return { numerator: BigInt(match[1] + fraction), denominator: 10n ** BigInt(fraction.length) };
}

function numberToDecimal(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw invalidArgument(`not a non-negative finite number: ${value}`);
  const text = String(value);
  const exponent = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exponent) return text;
  // 1e-7 → "0.0000001", 1.5e+21 → "1500000000000000000000"
  const digits = exponent[1] + (exponent[2] ?? '');
  const point = exponent[1].length + Number(exponent[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function multiply(a: Rational, b: Rational): Rational {
  return { numerator: a.numerator * b.numerator, denominator: a.denominator * b.denominator };
}

export function divide(a: Rational, b: Rational): Rational {
  if (b.numerator === 0n) throw invalidArgument('division by a zero rate');
  return { numerator: a.numerator * b.denominator, denominator: a.denominator * b.numerator };
}

/** floor(amount × r) for amount ≥ 0: rounds toward the connector keeping the remainder. */
export function floorMultiply(amount: bigint, r: Rational): bigint {
  return (amount * r.numerator) / r.denominator;
}

export function isValidRational(r: unknown): r is Rational {
  const candidate = r as Rational | null;
  return (
    typeof candidate?.numerator === 'bigint' &&
    typeof candidate.denominator === 'bigint' &&
    candidate.numerator >= 0n &&
    candidate.denominator > 0n
  );
}
