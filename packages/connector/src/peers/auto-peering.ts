// Rafiki's auto-peering, wire-compatible both ways: one side POSTs a peering request (its ILP address, its
// ILP-over-HTTP URL, the asset, the token it will send) to the other's auto-peering URL, which answers with the same
// of its own; each then has the other as a peer. Asking (createOrUpdatePeerByUrl) is the operator's act. Answering
// is open to anyone who can reach the URL, so it is off unless enabled and, unlike Rafiki's, it is built not to be
// an opening: it extends a new peer no credit (Rafiki gives it unlimited liquidity — what the peer may send us
// unpaid), never changes an existing peer (Rafiki re-peers: anyone naming a peer's address would take over its
// tokens, and with them its liquidity), and takes no address that overlaps this node's or another peer's (that would
// divert their traffic).
import { randomBytes } from 'node:crypto';
import { isValidIlpAddress } from '@sluice/ilp';
import type Koa from 'koa';
import type { AssetService } from '../assets/asset-service';
import { ConnectorError } from '../errors';
import { isHttpUrl } from '../http/http-url';
import { postRoute } from '../http/post-route';
import { BodyTooLargeError, readBody } from '../http/read-body';
import { isValidAuthToken } from './auth-token';
import type { PeerService } from './peer-service';
import type { Peer } from './peer-types';

/** What a peering request carries (Rafiki's PeeringRequestArgs). */
export interface PeeringRequest {
  staticIlpAddress: string;
  ilpConnectorAddress: string;
  asset: { code: string; scale: number };
  httpToken: string;
  maxPacketAmount?: number;
  name?: string;
}

/** What a peering answer carries (Rafiki's PeeringDetails). */
export interface PeeringDetails {
  staticIlpAddress: string;
  ilpConnectorAddress: string;
  httpToken: string;
  name: string;
}

export interface AutoPeeringDeps {
  assets: AssetService;
  peers: PeerService;
  /** This node, as told to peers. */
  ilpAddress: string;
  /** This node's public ILP-over-HTTP URL (Rafiki's ILP_CONNECTOR_URL). */
  ilpConnectorUrl: string;
  /** The name peers give this node (Rafiki's INSTANCE_NAME). */
  instanceName: string;
  /** Throws when a requesting peer's ILP-over-HTTP URL may not be used (one on a private network). */
  checkPeerEndpoint?: (url: URL) => Promise<void>;
  /** Peers (all of them) past which requests are refused; default MAX_PEERS_FOR_AUTO_PEERING. */
  maxPeers?: number;
}

/** Why a peering request was refused: `type` is Rafiki's error type, which a Rafiki initiator reads. */
export class PeeringRefusal extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly type:
      'InvalidPeeringRequest' | 'InvalidPeerIlpConfiguration' | 'UnknownAsset' | 'DuplicatePeer' | 'TooManyPeers',
    message: string,
  ) {
    super(message);
    this.name = 'PeeringRefusal';
  }
}

const MAX_REQUEST_BYTES = 16 * 1024;
// Anyone can ask: past this many peers the node takes no more by request (each is a routing entry, an account and a
// row every process reloads), so a flood of requests cannot grow them without bound. The operator can still add peers.
export const MAX_PEERS_FOR_AUTO_PEERING = 1_000;
const REQUEST_TIMEOUT_MS = 10_000;

const newToken = () => randomBytes(32).toString('base64url');

/** Whether one address is the other or under it: packets for one could be routed to the other. */
const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

function readPeeringRequest(body: unknown): PeeringRequest {
  const invalid = (message: string) => new PeeringRefusal(400, 'InvalidPeeringRequest', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('expected a JSON object');
  const request = body as Record<string, unknown>;
  if (typeof request.staticIlpAddress !== 'string' || !isValidIlpAddress(request.staticIlpAddress)) {
    throw invalid('staticIlpAddress must be an ILP address');
  }
  if (!isHttpUrl(request.ilpConnectorAddress)) throw invalid('ilpConnectorAddress must be an http(s) URL');
  const asset = request.asset as { code?: unknown; scale?: unknown } | undefined;
  if (
    typeof asset !== 'object' ||
    asset === null ||
    typeof asset.code !== 'string' ||
    !Number.isInteger(asset.scale) ||
    (asset.scale as number) < 0 ||
    (asset.scale as number) > 255
  ) {
    throw invalid('asset must be { code, scale }');
  }
  if (!isValidAuthToken(request.httpToken)) throw invalid('httpToken must be 1 to 1024 visible ASCII characters');
  const { maxPacketAmount, name } = request;
  if (maxPacketAmount !== undefined && maxPacketAmount !== null && !Number.isSafeInteger(maxPacketAmount)) {
    throw invalid('maxPacketAmount must be an integer');
  }
  if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > 256)) {
    throw invalid('name must be a string of at most 256 characters');
  }
  return {
    staticIlpAddress: request.staticIlpAddress,
    ilpConnectorAddress: request.ilpConnectorAddress,
    asset: { code: asset.code, scale: asset.scale as number },
    httpToken: request.httpToken,
    ...(typeof maxPacketAmount === 'number' ? { maxPacketAmount } : {}),
    ...(typeof name === 'string' ? { name } : {}),
  };
}

function readPeeringDetails(body: unknown): PeeringDetails | undefined {
  const details = body as Partial<Record<keyof PeeringDetails, unknown>> | null;
  if (typeof details !== 'object' || details === null) return undefined;
  if (typeof details.staticIlpAddress !== 'string' || !isValidIlpAddress(details.staticIlpAddress)) return undefined;
  if (!isHttpUrl(details.ilpConnectorAddress) || !isValidAuthToken(details.httpToken)) return undefined;
  return {
    staticIlpAddress: details.staticIlpAddress,
    ilpConnectorAddress: details.ilpConnectorAddress,
    httpToken: details.httpToken,
    name: typeof details.name === 'string' ? details.name : '',
  };
}

export function createAutoPeering(deps: AutoPeeringDeps) {
  const ourDetails = (httpToken: string): PeeringDetails => ({
    staticIlpAddress: deps.ilpAddress,
    ilpConnectorAddress: deps.ilpConnectorUrl,
    httpToken,
    name: deps.instanceName,
  });

  /** Sends the request and reads the answer; a refusal or an answer that is not a peering is peering_refused. */
  async function askPeer(peerUrl: string, request: PeeringRequest): Promise<PeeringDetails> {
    let response: Response;
    try {
      response = await fetch(peerUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ConnectorError('peer_unreachable', `cannot reach ${peerUrl} (no peer accepts auto-peering there)`, {
        cause: error,
      });
    }
    const body = (await response.json().catch(() => undefined)) as
      { error?: { type?: unknown; message?: unknown } } | undefined;
    if (!response.ok) {
      const type = typeof body?.error?.type === 'string' ? body.error.type : `HTTP ${response.status}`;
      if (type === 'UnknownAsset') {
        throw new ConnectorError('peering_refused', `the peer does not support ${request.asset.code}`);
      }
      const message = typeof body?.error?.message === 'string' ? `: ${body.error.message}` : '';
      throw new ConnectorError('peering_refused', `the peer refused the peering (${type})${message}`);
    }
    const details = readPeeringDetails(body);
    if (!details) throw new ConnectorError('peering_refused', `the answer of ${peerUrl} is not a peering`);
    return details;
  }

  return {
    /**
     * Asks the peer at `peerUrl` to peer in the asset and creates it as a peer here, or, when a peer of that address
     * and asset exists, gives it the new tokens and endpoint (Rafiki's createOrUpdatePeerByUrl).
     */
    async requestPeering(input: {
      peerUrl: string;
      assetId: string;
      name?: string | null;
      maxPacketAmount?: bigint | null;
      liquidityThreshold?: bigint | null;
    }): Promise<Peer> {
      const asset = await deps.assets.getAsset(input.assetId);
      if (!asset) throw new ConnectorError('unknown_asset', `unknown asset ${input.assetId}`);
      if (!isHttpUrl(input.peerUrl)) throw new ConnectorError('invalid_argument', 'peerUrl must be an http(s) URL');
      const outgoingToken = newToken();
      const details = await askPeer(input.peerUrl, {
        ...ourDetails(outgoingToken),
        asset: { code: asset.code, scale: asset.scale },
        ...(input.maxPacketAmount != null ? { maxPacketAmount: Number(input.maxPacketAmount) } : {}),
      });
      const http = {
        incoming: { authTokens: [details.httpToken] },
        outgoing: { authToken: outgoingToken, endpoint: details.ilpConnectorAddress },
      };
      const name = input.name ?? (details.name || null);
      const existing = await deps.peers.getPeerByAddressAndAsset(details.staticIlpAddress, asset.id);
      if (existing) {
        return deps.peers.updatePeer({
          id: existing.id,
          name,
          http,
          ...(input.maxPacketAmount !== undefined ? { maxPacketAmount: input.maxPacketAmount } : {}),
          ...(input.liquidityThreshold !== undefined ? { liquidityThreshold: input.liquidityThreshold } : {}),
        });
      }
      return deps.peers.createPeer({
        assetId: asset.id,
        staticIlpAddress: details.staticIlpAddress,
        name,
        http,
        maxPacketAmount: input.maxPacketAmount ?? null,
        liquidityThreshold: input.liquidityThreshold ?? null,
      });
    },

    /** Answers a peering request (see the top of this file for what it refuses); throws PeeringRefusal. */
    async acceptPeering(body: unknown): Promise<PeeringDetails> {
      const request = readPeeringRequest(body);
      const address = request.staticIlpAddress;
      if (overlaps(address, deps.ilpAddress)) {
        throw new PeeringRefusal(400, 'InvalidPeerIlpConfiguration', `${address} overlaps this node's address`);
      }
      const asset = await deps.assets.getAssetByCodeAndScale(request.asset.code, request.asset.scale);
      if (!asset) throw new PeeringRefusal(404, 'UnknownAsset', 'Unknown asset');
      const peers = await deps.peers.listAllPeers();
      if (peers.length >= (deps.maxPeers ?? MAX_PEERS_FOR_AUTO_PEERING)) {
        throw new PeeringRefusal(409, 'TooManyPeers', 'this node takes no more peers by auto-peering');
      }
      if (peers.some((peer) => overlaps(address, peer.staticIlpAddress))) {
        throw new PeeringRefusal(
          409,
          'DuplicatePeer',
          `a peer already has ${address} or an address overlapping it; re-peering is up to this node's operator`,
        );
      }
      try {
        await deps.checkPeerEndpoint?.(new URL(request.ilpConnectorAddress));
      } catch (error) {
        throw new PeeringRefusal(
          400,
          'InvalidPeerIlpConfiguration',
          `ilpConnectorAddress cannot be used: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const outgoingToken = newToken();
      try {
        await deps.peers.createPeer({
          assetId: asset.id,
          staticIlpAddress: address,
          name: request.name ?? null,
          maxPacketAmount: request.maxPacketAmount === undefined ? null : BigInt(request.maxPacketAmount),
          creditLimit: 0n,
          http: {
            incoming: { authTokens: [request.httpToken] },
            // Checked above when it was asked for; checked again at every connection, as the name may move.
            outgoing: {
              authToken: outgoingToken,
              endpoint: request.ilpConnectorAddress,
              publicOnly: deps.checkPeerEndpoint !== undefined,
            },
          },
        });
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        if (error.code === 'duplicate_peer' || error.code === 'duplicate_incoming_token') {
          throw new PeeringRefusal(409, 'DuplicatePeer', error.message);
        }
        throw new PeeringRefusal(400, 'InvalidPeeringRequest', error.message);
      }
      return ourDetails(outgoingToken);
    },
  };
}

export type AutoPeering = ReturnType<typeof createAutoPeering>;

/** A request's JSON body, at most MAX_REQUEST_BYTES; anything else is an InvalidPeeringRequest. */
async function readJsonBody(ctx: Koa.Context): Promise<unknown> {
  let text: string;
  try {
    text = (await readBody(ctx.req, MAX_REQUEST_BYTES, 'drain')).toString('utf8');
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new PeeringRefusal(400, 'InvalidPeeringRequest', error.message);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PeeringRefusal(400, 'InvalidPeeringRequest', 'not JSON');
  }
}

/** `POST <path>` (JSON) answers peering requests; errors are Rafiki's `{ error: { code, message, type } }`. */
export function autoPeeringMiddleware(autoPeering: AutoPeering, path = '/auto-peering'): Koa.Middleware {
  return postRoute(path, async (ctx) => {
    try {
      ctx.body = await autoPeering.acceptPeering(await readJsonBody(ctx));
    } catch (error) {
      if (!(error instanceof PeeringRefusal)) throw error;
      ctx.status = error.status;
      ctx.body = { error: { code: error.status, message: error.message, type: error.type } };
    }
  });
}
