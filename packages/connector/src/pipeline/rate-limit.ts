// Step 4: packets per second per peer (T05 Rate Limited). Local senders (the payment worker) are not limited here:
// their pace is their own business and their balance bounds them.
import { IlpError, IlpErrorCode } from '@sluice/ilp';
import { TokenBuckets, type TokenBucketOptions } from './token-bucket';
import { sourceOf, type PacketMiddleware } from './packet-context';

export function createRateLimitMiddleware(options: TokenBucketOptions): PacketMiddleware {
  const buckets = new TokenBuckets(options);
  return async (ctx, next) => {
    const peer = sourceOf(ctx).peer;
    if (peer && !buckets.take(peer.id)) throw new IlpError(IlpErrorCode.T05_RATE_LIMITED, 'too many packets');
    return next();
  };
}
