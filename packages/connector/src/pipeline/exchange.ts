// Step 6: the amount in the destination account's asset:
//   out = floor(in × rate × (1 − spread) × 10^(outScale − inScale))
// exactly, rounded down (the connector keeps the remainder). Between assets of the same currency code only the
// scale changes (no rate, no spread). A non-zero amount that converts to zero is R01; one that no longer fits in
// UInt64 is F03; a missing rate is F07 (Rafiki's choice).
import { IlpError, IlpErrorCode } from '@sluice/ilp';
import { UINT64_MAX } from '../amounts';
import { convertAmount, effectiveRate, isSameCurrency } from '../rates/exchange';
import { isValidRational, type Rational } from '../rates/rational';
import type { RatesProvider } from '../rates/rates-provider';
import { destinationOf, sourceOf, type PacketMiddleware } from './packet-context';

const ONE: Rational = { numerator: 1n, denominator: 1n };
const NO_SPREAD: Rational = { numerator: 0n, denominator: 1n };

export interface ExchangeDeps {
  ratesProvider: RatesProvider;
  /** Fraction in [0, 1) kept by the connector on every exchange between different currencies. */
  spread: Rational;
}

export function createExchangeMiddleware(deps: ExchangeDeps): PacketMiddleware {
  return async (ctx, next) => {
    const from = sourceOf(ctx).asset;
    const to = destinationOf(ctx).asset;
    const amount = ctx.prepare.amount;
    if (from.id === to.id) {
      ctx.outgoingAmount = amount;
      return next();
    }
    let rate = ONE;
    let spread = NO_SPREAD;
    if (!isSameCurrency(from, to)) {
      try {
        rate = await deps.ratesProvider.getRate(from, to);
      } catch (error) {
        throw new IlpError(IlpErrorCode.F07_CANNOT_RECEIVE, 'exchange rate unavailable', undefined, { cause: error });
      }
      if (!isValidRational(rate)) throw new IlpError(IlpErrorCode.F07_CANNOT_RECEIVE, 'exchange rate unavailable');
      spread = deps.spread;
    }
    const outgoing = convertAmount(amount, effectiveRate(from, to, rate, spread));
    if (outgoing === 0n && amount > 0n) {
      throw new IlpError(IlpErrorCode.R01_INSUFFICIENT_SOURCE_AMOUNT, 'amount too small to forward after exchange');
    }
    if (outgoing > UINT64_MAX) throw new IlpError(IlpErrorCode.F03_INVALID_AMOUNT, 'amount too large after exchange');
    ctx.outgoingAmount = outgoing;
    return next();
  };
}
