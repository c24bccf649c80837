// Step 9: a Fulfill counts only if its fulfillment hashes to the condition. Otherwise the next hop has not proven
// payment: F05 upstream, and nothing is posted (the balance step sees a Reject and voids).
import { createHash } from 'node:crypto';
import { IlpError, IlpErrorCode, isFulfill } from '@sluice/ilp';
import type { PacketMiddleware } from './packet-context';

export function createFulfillmentCheckMiddleware(): PacketMiddleware {
  return async (ctx, next) => {
    const reply = await next();
    if (!isFulfill(reply)) return reply;
    const hash = createHash('sha256').update(reply.fulfillment).digest();
    if (!hash.equals(ctx.prepare.executionCondition)) {
      throw new IlpError(IlpErrorCode.F05_WRONG_CONDITION, 'fulfillment does not match the condition');
    }
    return reply;
  };
}
