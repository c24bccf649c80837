// Step 5: where the packet goes. `peer.config` from a peer is IL-DCP, answered here (RFC 0031). Otherwise the
// longest prefix over the peers' static addresses and our local receivers (`<our address>.<prefix>`) wins; no route
// is F02, and so is a route back to the sending peer (never reflect a packet).
import { IlpError, IlpErrorCode, checkIldcpRequest, createIldcpFulfill, isIldcpRequest } from '@sluice/ilp';
import { refuseDestination } from '../routing/address-rules';
import type { RoutingTable } from '../routing/routing-table';
import type { AssetInfo, PeerInfo } from '../directory';
import { sourceOf, type Destination, type LocalReceiverHandler, type PacketMiddleware } from './packet-context';

/** What a prefix leads to: peers (several when one address has links in several assets) or a local receiver. */
export type RouteTarget =
  | { kind: 'peers'; peers: PeerInfo[] }
  | {
      kind: 'local';
      handler: LocalReceiverHandler;
      /** The handler records the money itself, through the packet's LocalSettlement. */
      settles: boolean;
      /** The account to credit: fixed, or found per packet (e.g. from a STREAM connection token). */
      resolveAccount: (destination: string) => Promise<{ accountId: string; asset: AssetInfo } | undefined>;
    };

export interface RouteDeps {
  ilpAddress: string;
  routes: () => RoutingTable<RouteTarget>;
}

export function createRouteMiddleware(deps: RouteDeps): PacketMiddleware {
  return async (ctx, next) => {
    const source = sourceOf(ctx);
    const { destination } = ctx.prepare;
    if (isIldcpRequest(ctx.prepare)) {
      // Only a peer has an address for us to tell; the answer moves no money, so a non-zero amount is refused.
      if (!source.peer) throw new IlpError(IlpErrorCode.F02_UNREACHABLE, 'IL-DCP is only answered to peers');
      checkIldcpRequest(ctx.prepare);
      if (ctx.prepare.amount !== 0n)
        throw new IlpError(IlpErrorCode.F00_BAD_REQUEST, 'IL-DCP request must have amount 0');
      return createIldcpFulfill({
        clientAddress: source.peer.staticIlpAddress,
        assetCode: source.asset.code,
        assetScale: source.asset.scale,
      });
    }
    const refusal = refuseDestination(destination, deps.ilpAddress);
    if (refusal) throw new IlpError(IlpErrorCode.F02_UNREACHABLE, refusal);
    const route = deps.routes().lookup(destination);
    if (!route) throw new IlpError(IlpErrorCode.F02_UNREACHABLE, 'no route to destination');
    ctx.destination = await chooseDestination(route.target, destination, source.id, source.asset.id);
    return next();
  };
}

async function chooseDestination(
  target: RouteTarget,
  destination: string,
  sourceAccountId: string,
  sourceAssetId: string,
): Promise<Destination> {
  if (target.kind === 'local') {
    const account = await target.resolveAccount(destination);
    if (!account) throw new IlpError(IlpErrorCode.F02_UNREACHABLE, 'no receiver at destination');
    if (account.accountId === sourceAccountId) {
      throw new IlpError(IlpErrorCode.F02_UNREACHABLE, 'destination is the sending account');
    }
    return {
      kind: 'local',
      accountId: account.accountId,
      asset: account.asset,
      handler: target.handler,
      settles: target.settles,
    };
  }
  // Several links to one node are one node: if the sender is one of them, the route leads back to it.
  if (target.peers.some((peer) => peer.id === sourceAccountId)) {
    throw new IlpError(IlpErrorCode.F02_UNREACHABLE, 'route leads back to the sending peer');
  }
  // Prefer the link in the sender's asset (no exchange), else the oldest link.
  const peer = target.peers.find((candidate) => candidate.asset.id === sourceAssetId) ?? target.peers[0];
  return { kind: 'peer', accountId: peer.id, asset: peer.asset, peer };
}
