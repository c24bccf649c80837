// Step 7: the forwarded Prepare expires earlier than the incoming one by a safety margin, so that a Fulfill that
// arrives at the last moment downstream can still be passed upstream in time; and no later than maxHoldTime from
// now, so a sender cannot tie up our liquidity for long (RFC 0018). Too little time left → R02.
//   out = min(expiresAt − minMessageWindow, now + maxHoldTime)
import { IlpError, IlpErrorCode } from '@sluice/ilp';
import type { PacketMiddleware } from './packet-context';

export interface OutgoingExpiryOptions {
  minMessageWindowMs: number;
  maxHoldTimeMs: number;
  now?: () => number;
}

export const DEFAULT_MIN_MESSAGE_WINDOW_MS = 1000;
export const DEFAULT_MAX_HOLD_TIME_MS = 30_000;

export function createOutgoingExpiryMiddleware(options: OutgoingExpiryOptions): PacketMiddleware {
  const now = options.now ?? Date.now;
  return async (ctx, next) => {
    const current = now();
    const outgoing = Math.min(
      ctx.prepare.expiresAt.getTime() - options.minMessageWindowMs,
      current + options.maxHoldTimeMs,
    );
    if (outgoing - current < options.minMessageWindowMs) {
      throw new IlpError(IlpErrorCode.R02_INSUFFICIENT_TIMEOUT, 'insufficient timeout');
    }
    ctx.outgoingExpiresAt = new Date(outgoing);
    return next();
  };
}
