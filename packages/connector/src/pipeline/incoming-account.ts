// Step 1: who sent the packet. The account comes from the authenticated link (the HTTP layer maps a bearer token
// to a peer; local senders name their account), never from the packet.
import { IlpError, IlpErrorCode } from '@sluice/ilp';
import type { Directory } from '../directory';
import type { PacketMiddleware } from './packet-context';

export function createIncomingAccountMiddleware(deps: { directory: Directory }): PacketMiddleware {
  return async (ctx, next) => {
    const source = await deps.directory.getAccount(ctx.incomingAccountId);
    // An account the caller authenticated but we cannot find is our inconsistency, not the sender's error.
    if (!source) throw new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, 'unknown incoming account');
    ctx.source = source;
    return next();
  };
}
