// Peers, with Rafiki's field names (camelCase) so the admin GraphQL can expose them unchanged.

export interface PeerHttpOutgoing {
  /** Bearer token we send to the peer. */
  authToken: string;
  /** The peer's ILP-over-HTTP URL, e.g. https://peer.example/ilp. */
  endpoint: string;
  /**
   * Connections to the endpoint must reach a public address, checked as each connection is made: set for a peer that
   * asked to be peered (auto-peering) while private networks are off limits. Kept when the endpoint is changed.
   */
  publicOnly?: boolean;
}

export interface Peer {
  /** Also the id of the peer's ledger account, so handlePrepare(peer.id, …) is how a peer's packet comes in. */
  id: string;
  assetId: string;
  asset: { code: string; scale: number };
  staticIlpAddress: string;
  name: string | null;
  /** Largest packet accepted from the peer, in the peer's asset units; null = no limit. */
  maxPacketAmount: bigint | null;
  liquidityThreshold: bigint | null;
  /** How much the peer may owe us: its account may go down to −creditLimit. */
  creditLimit: bigint;
  /** Incoming tokens are stored hashed and never returned. */
  http: { outgoing: PeerHttpOutgoing };
  createdAt: Date;
  updatedAt: Date;
}

export interface CreatePeerOptions {
  assetId: string;
  staticIlpAddress: string;
  name?: string | null;
  http: { incoming?: { authTokens: string[] }; outgoing: PeerHttpOutgoing };
  maxPacketAmount?: bigint | null;
  liquidityThreshold?: bigint | null;
  /** Default 0: the peer must prepay (deposit) before sending. */
  creditLimit?: bigint;
}

export interface UpdatePeerOptions {
  id: string;
  staticIlpAddress?: string;
  name?: string | null;
  /** `incoming.authTokens` replaces all incoming tokens; `outgoing` replaces the outgoing settings. */
  http?: { incoming?: { authTokens: string[] }; outgoing?: PeerHttpOutgoing };
  maxPacketAmount?: bigint | null;
  liquidityThreshold?: bigint | null;
  creditLimit?: bigint;
}
