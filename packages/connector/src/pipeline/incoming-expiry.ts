// Step 2: a Prepare that has already expired is refused at once with R02 (Insufficient Timeout), as ilp-connector
// and Rafiki do: the sender left no time at all for this hop. RFC 0027 names no code for this case; R00 would
// claim a next hop timed out, which did not happen.
import { IlpError, IlpErrorCode } from '@sluice/ilp';
import type { PacketMiddleware } from './packet-context';

export function createIncomingExpiryMiddleware(deps: { now?: () => number } = {}): PacketMiddleware {
  const now = deps.now ?? Date.now;
  return async (ctx, next) => {
    if (now() >= ctx.prepare.expiresAt.getTime()) {
      throw new IlpError(IlpErrorCode.R02_INSUFFICIENT_TIMEOUT, 'packet expired');
    }
    return next();
  };
}
