// Step 10: a packet gets its answer by the outgoing expiry at the latest. If the next hop has not replied by then,
// R00 goes upstream (RFC 0027: reject at expiry even without a reply), the transport is aborted, and a late reply
// is discarded — so a Fulfill that comes too late is never posted. A local receiver's settlement already in flight
// at expiry is let finish (it started in time, and may have posted the money): its packet is answered as it decides.
import { IlpErrorCode, type IlpReply } from '@sluice/ilp';
import type { PacketMiddleware } from './packet-context';

export function createExpiryTimerMiddleware(deps: { ilpAddress: string; now?: () => number }): PacketMiddleware {
  const now = deps.now ?? Date.now;
  const timedOut = (): IlpReply => ({
    code: IlpErrorCode.R00_TRANSFER_TIMED_OUT,
    triggeredBy: deps.ilpAddress,
    message: 'packet expired',
    data: Buffer.alloc(0),
  });
  return async (ctx, next) => {
    const remaining = (ctx.outgoingExpiresAt?.getTime() ?? ctx.prepare.expiresAt.getTime()) - now();
    if (remaining <= 0) return timedOut();
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<IlpReply>((resolve) => {
      timer = setTimeout(() => {
        ctx.abort.abort();
        if (!ctx.settling) resolve(timedOut());
      }, remaining);
    });
    try {
      return await Promise.race([next(), expiry]);
    } finally {
      clearTimeout(timer);
    }
  };
}
