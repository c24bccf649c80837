// Peers, through the connector port.
import type { PortPeerHttp } from '../connector-port';
import { isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import { connection, readPageArgs, toPortPagination, type PageArgs } from '../graphql/pagination';
import { assetView, peerView, type PeerView } from '../graphql/views';
import { translated } from '../service-errors';

const PEER_NOT_FOUND = 'unknown peer';

interface PeerInput {
  maxPacketAmount?: bigint | null;
  http?: PortPeerHttp | null;
  staticIlpAddress?: string | null;
  name?: string | null;
  liquidityThreshold?: bigint | null;
}

/** GraphQL's `incoming: null` means "no incoming tokens given", as an omitted field does. */
function httpOf(http: PortPeerHttp): PortPeerHttp {
  return { outgoing: http.outgoing, ...(http.incoming ? { incoming: http.incoming } : {}) };
}

export const peerResolvers: ResolverMap = {
  Query: {
    peer: field<unknown, { id: string }>(async (_source, { id }, context) => {
      const connector = context.requireConnector();
      const peer = isUuid(id) ? await translated(() => connector.getPeer(id)) : undefined;
      if (!peer) throw notFound(PEER_NOT_FOUND);
      return peerView(peer);
    }),

    peerByAddressAndAsset: field<unknown, { staticIlpAddress: string; assetId: string }>(
      async (_source, { staticIlpAddress, assetId }, context) => {
        const connector = context.requireConnector();
        if (!isUuid(assetId)) return null;
        const peer = await translated(() => connector.getPeerByAddressAndAsset(staticIlpAddress, assetId));
        return peer ? peerView(peer) : null;
      },
    ),

    peers: field<unknown, PageArgs>(async (_source, args, context) => {
      const connector = context.requireConnector();
      const page = await translated(() => connector.listPeers(toPortPagination(readPageArgs(args))));
      return connection(page, peerView);
    }),
  },

  Mutation: {
    createPeer: field<
      unknown,
      {
        input: PeerInput & { assetId: string; staticIlpAddress: string; http: PortPeerHttp; initialLiquidity?: bigint };
      }
    >(async (_source, { input }, context) => {
      const connector = context.requireConnector();
      if (!isUuid(input.assetId)) throw notFound('unknown asset');
      const peer = await translated(() =>
        connector.createPeer({
          assetId: input.assetId,
          staticIlpAddress: input.staticIlpAddress,
          name: input.name,
          http: httpOf(input.http),
          maxPacketAmount: input.maxPacketAmount,
          liquidityThreshold: input.liquidityThreshold,
          initialLiquidity: input.initialLiquidity ?? undefined,
        }),
      );
      return { peer: peerView(peer) };
    }),

    createOrUpdatePeerByUrl: field<
      unknown,
      { input: PeerInput & { assetId: string; peerUrl: string; liquidityToDeposit?: bigint | null } }
    >(async (_source, { input }, context) => {
      const connector = context.requireConnector();
      if (!isUuid(input.assetId)) throw notFound('unknown asset');
      const peer = await translated(() =>
        connector.createOrUpdatePeerByUrl({
          peerUrl: input.peerUrl,
          assetId: input.assetId,
          name: input.name,
          maxPacketAmount: input.maxPacketAmount,
          liquidityThreshold: input.liquidityThreshold,
          liquidityToDeposit: input.liquidityToDeposit,
        }),
      );
      return { peer: peerView(peer) };
    }),

    updatePeer: field<unknown, { input: PeerInput & { id: string } }>(async (_source, { input }, context) => {
      const connector = context.requireConnector();
      if (!isUuid(input.id)) throw notFound(PEER_NOT_FOUND);
      const { http, staticIlpAddress } = input;
      const peer = await translated(() =>
        connector.updatePeer({
          id: input.id,
          ...(staticIlpAddress ? { staticIlpAddress } : {}),
          ...(http ? { http: httpOf(http) } : {}),
          ...('name' in input ? { name: input.name } : {}),
          ...('maxPacketAmount' in input ? { maxPacketAmount: input.maxPacketAmount } : {}),
          ...('liquidityThreshold' in input ? { liquidityThreshold: input.liquidityThreshold } : {}),
        }),
      );
      return { peer: peerView(peer) };
    }),

    deletePeer: field<unknown, { input: { id: string } }>(async (_source, { input }, context) => {
      const connector = context.requireConnector();
      if (!isUuid(input.id)) throw notFound(PEER_NOT_FOUND);
      await translated(() => connector.deletePeer(input.id));
      return { success: true };
    }),
  },

  Peer: {
    asset: field<PeerView>(async (peer, _args, context) => {
      const asset = await translated(() => context.loadAsset(peer.assetId));
      if (!asset) throw notFound('unknown asset');
      return assetView(asset);
    }),
    liquidity: field<PeerView>((peer, _args, context) =>
      translated(() => context.requireConnector().getPeerLiquidity(peer.id)),
    ),
    tenantId: field((_source, _args, context) => context.tenantId()),
  },
};
