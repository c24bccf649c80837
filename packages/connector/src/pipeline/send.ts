// Step 11 (last): hand the Prepare — amount and expiry rewritten — to the next hop: a peer over ILP over HTTP, or
// a local receiver in this process.
import type { IlpPrepare, IlpReply } from '@sluice/ilp';
import type { PeerInfo } from '../directory';
import { destinationOf, outgoingPrepareOf, sourceOf, type PacketMiddleware } from './packet-context';

export interface PeerSender {
  send(peer: PeerInfo, prepare: IlpPrepare, signal: AbortSignal): Promise<IlpReply>;
}

export function createSendMiddleware(deps: { peerSender: PeerSender }): PacketMiddleware {
  return async (ctx) => {
    const destination = destinationOf(ctx);
    const prepare = outgoingPrepareOf(ctx);
    if (destination.kind === 'local') {
      return destination.handler(prepare, { accountId: sourceOf(ctx).id, settlement: ctx.settlement });
    }
    return deps.peerSender.send(destination.peer, prepare, ctx.abort.signal);
  };
}
