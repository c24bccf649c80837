// Step 3: a peer's packets may not exceed its maxPacketAmount. F08 carries the received amount and the maximum,
// both in the units of the incoming account, so the sender can scale its packets down (RFC 0027 F08 data).
import { IlpError, IlpErrorCode, serializeAmountTooLargeData } from '@sluice/ilp';
import { sourceOf, type PacketMiddleware } from './packet-context';

export function createMaxPacketAmountMiddleware(): PacketMiddleware {
  return async (ctx, next) => {
    const maximumAmount = sourceOf(ctx).peer?.maxPacketAmount;
    const receivedAmount = ctx.prepare.amount;
    if (maximumAmount !== undefined && maximumAmount !== null && receivedAmount > maximumAmount) {
      throw new IlpError(
        IlpErrorCode.F08_AMOUNT_TOO_LARGE,
        'packet amount too large',
        serializeAmountTooLargeData({ receivedAmount, maximumAmount }),
      );
    }
    return next();
  };
}
