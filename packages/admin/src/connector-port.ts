// What the admin API needs from the connector (assets, peers, liquidity), as an interface the composition root
// adapts the connector to. The admin package never imports the connector: an admin process built without it answers
// these operations with SERVICE_UNAVAILABLE instead.
//
// Semantics are Rafiki's admin API ones. Amounts are bigint (UInt64); ids are UUIDs (the admin API checks them
// before calling). Errors: throw an Error whose `code` property is one of ConnectorPortErrorCode (the connector's
// ConnectorError already is such an error); the admin API turns it into the matching GraphQL error. Any other error
// is answered as INTERNAL_SERVER_ERROR and logged.

export interface PortAsset {
  id: string;
  code: string;
  scale: number;
  withdrawalThreshold: bigint | null;
  liquidityThreshold: bigint | null;
  createdAt: Date;
}

export interface PortPeer {
  id: string;
  assetId: string;
  staticIlpAddress: string;
  name: string | null;
  maxPacketAmount: bigint | null;
  liquidityThreshold: bigint | null;
  http: { outgoing: { authToken: string; endpoint: string } };
  createdAt: Date;
}

/** Rafiki's cursor pagination: `first` after `after`, or `last` before `before`; cursors are item ids. */
export interface PortPagination {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
  /** Order of creation; the admin API always passes it (Rafiki's default is DESC, newest first). */
  sortOrder: 'ASC' | 'DESC';
}

export interface PortPage<T> {
  /** In `sortOrder`, whichever direction was paged. */
  items: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string; endCursor?: string };
}

export interface PortPeerHttp {
  /** Tokens the peer presents to us; when given on update they replace all current ones. */
  incoming?: { authTokens: string[] };
  outgoing: { authToken: string; endpoint: string };
}

/** One movement of an account's, as Rafiki's accountingTransfers lists it. */
export interface PortAccountingTransfer {
  /** The transfer's id; a packet's second leg (out of the connector) has a UUID derived from the packet's. */
  id: string;
  /** The accounts by the ids accountingTransfers takes (see listAccountingTransfers). */
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  /** Rafiki's ledger number of the accounts' asset. */
  ledger: number;
  transferType: 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER';
  state: 'PENDING' | 'POSTED';
  expiresAt: Date | null;
  createdAt: Date;
}

export interface ConnectorPort {
  createAsset(input: {
    code: string;
    scale: number;
    withdrawalThreshold?: bigint | null;
    liquidityThreshold?: bigint | null;
  }): Promise<PortAsset>;
  /** Omitted thresholds stay as they are; null clears one. */
  updateAsset(input: {
    id: string;
    withdrawalThreshold?: bigint | null;
    liquidityThreshold?: bigint | null;
  }): Promise<PortAsset>;
  getAsset(id: string): Promise<PortAsset | undefined>;
  getAssetByCodeAndScale(code: string, scale: number): Promise<PortAsset | undefined>;
  listAssets(pagination: PortPagination): Promise<PortPage<PortAsset>>;
  /**
   * Rafiki's soft delete (gone from every read; creating its code and scale again restores it). asset_in_use while
   * a peer or a wallet address is in it or the ledger holds money in it.
   */
  deleteAsset(id: string): Promise<PortAsset>;

  /** `initialLiquidity` (> 0) is deposited into the new peer's account. */
  createPeer(input: {
    assetId: string;
    staticIlpAddress: string;
    name?: string | null;
    http: PortPeerHttp;
    maxPacketAmount?: bigint | null;
    liquidityThreshold?: bigint | null;
    initialLiquidity?: bigint;
  }): Promise<PortPeer>;
  /** Omitted fields stay as they are. */
  updatePeer(input: {
    id: string;
    staticIlpAddress?: string;
    name?: string | null;
    http?: PortPeerHttp;
    maxPacketAmount?: bigint | null;
    liquidityThreshold?: bigint | null;
  }): Promise<PortPeer>;
  deletePeer(id: string): Promise<unknown>;
  /**
   * Rafiki's auto-peering: asks the node at `peerUrl` to peer in the asset, then creates it as a peer (or gives the
   * existing peer of its address and asset the new tokens and endpoint); `liquidityToDeposit` (> 0) is deposited into
   * its account. peer_unreachable when nothing answers there, peering_refused when the peer refuses.
   */
  createOrUpdatePeerByUrl(input: {
    peerUrl: string;
    assetId: string;
    name?: string | null;
    maxPacketAmount?: bigint | null;
    liquidityThreshold?: bigint | null;
    liquidityToDeposit?: bigint | null;
  }): Promise<PortPeer>;
  getPeer(id: string): Promise<PortPeer | undefined>;
  getPeerByAddressAndAsset(staticIlpAddress: string, assetId: string): Promise<PortPeer | undefined>;
  listPeers(pagination: PortPagination): Promise<PortPage<PortPeer>>;

  /**
   * The `limit` newest movements (posted, or pending and not expired) of one account, debits and credits together:
   * the account of a peer, of an asset's liquidity (by the asset's id), of a wallet address, of an outgoing payment,
   * or any ledger account by its own id. Both lists are empty when no account has that id (as in Rafiki).
   */
  listAccountingTransfers(
    id: string,
    limit: number,
  ): Promise<{ debits: PortAccountingTransfer[]; credits: PortAccountingTransfer[] }>;

  /** The asset's liquidity account balance (what the connector holds in that asset). */
  getAssetLiquidity(assetId: string): Promise<bigint>;
  /** The peer's account balance. */
  getPeerLiquidity(peerId: string): Promise<bigint>;
  /**
   * The balance of the account a wallet address withdrawal takes (see createWalletAddressWithdrawal); null when it has
   * none yet (reading never creates one).
   */
  getWalletAddressLiquidity(walletAddressId: string): Promise<bigint | null>;
  /**
   * What the ledger accounts of these outgoing payments hold (balance less what packets in flight hold), by payment
   * id, in one read for a page of payments; a payment without an account is absent.
   */
  getOutgoingPaymentLiquidities(outgoingPaymentIds: readonly string[]): Promise<Map<string, bigint>>;
  /**
   * The amounts of the withdrawals with these transfer ids that are pending or posted, by id, in one read; voided
   * and unknown ones are absent.
   */
  getWithdrawnAmounts(withdrawalIds: readonly string[]): Promise<Map<string, bigint>>;

  /** Money entering the ledger. Transfer ids are the caller's UUIDs; the same id with other values is refused. */
  depositAssetLiquidity(input: { id: string; assetId: string; amount: bigint }): Promise<unknown>;
  depositPeerLiquidity(input: { id: string; peerId: string; amount: bigint }): Promise<unknown>;
  /** Credits a wallet address's balance account (created on first use); unknown_account for an unknown address. */
  depositWalletAddressLiquidity(input: { id: string; walletAddressId: string; amount: bigint }): Promise<unknown>;
  /** timeoutSeconds 0: posted at once; otherwise held until posted, voided or timed out (then voided). */
  createAssetLiquidityWithdrawal(input: {
    id: string;
    assetId: string;
    amount: bigint;
    timeoutSeconds: bigint;
  }): Promise<unknown>;
  createPeerLiquidityWithdrawal(input: {
    id: string;
    peerId: string;
    amount: bigint;
    timeoutSeconds: bigint;
  }): Promise<unknown>;
  /**
   * Resolve a pending withdrawal. As in Rafiki, one that is already posted or voided is refused with
   * transfer_not_pending (→ CONFLICT), even when asked for the state it already has (the connector's ledger answers
   * that case with success, so an adapter checks first); an unknown id is unknown_transfer.
   */
  /**
   * Withdraws everything available in the account a wallet address withdrawal takes (Rafiki's wallet address
   * account): its balance in ledger funding mode, what it received over SPSP in webhook funding mode; returns the
   * amount withdrawn. 0 available → insufficient_balance.
   */
  createWalletAddressWithdrawal(input: {
    id: string;
    walletAddressId: string;
    /** Exactly this much instead of everything available (insufficient_balance when not available). */
    amount?: bigint;
    timeoutSeconds: bigint;
  }): Promise<bigint>;
  /** Withdraws `amount` of what an incoming payment received from its wallet address's balance account. */
  createIncomingPaymentWithdrawal(input: {
    id: string;
    walletAddressId: string;
    amount: bigint;
    timeoutSeconds: bigint;
  }): Promise<bigint>;
  /** Withdraws everything still in an outgoing payment's ledger account; returns the amount. */
  createOutgoingPaymentWithdrawal(input: {
    id: string;
    paymentAccountId: string;
    timeoutSeconds: bigint;
  }): Promise<bigint>;
  postLiquidityWithdrawal(withdrawalId: string): Promise<unknown>;
  voidLiquidityWithdrawal(withdrawalId: string): Promise<unknown>;
}

/** Error codes the admin API understands from the port (the connector's ConnectorErrorCode values). */
export const CONNECTOR_PORT_ERROR_CODES = [
  'invalid_argument',
  'invalid_ilp_address',
  'unknown_asset',
  'duplicate_asset',
  'asset_in_use',
  'unknown_peer',
  'duplicate_peer',
  'duplicate_incoming_token',
  'unknown_account',
  'duplicate_account',
  'asset_mismatch',
  'insufficient_balance',
  'exceeds_max_balance',
  'amount_out_of_range',
  'transfer_exists',
  'unknown_transfer',
  'transfer_not_pending',
  'transfer_expired',
  'limit_below_usage',
  'peer_unreachable',
  'peering_refused',
] as const;

export type ConnectorPortErrorCode = (typeof CONNECTOR_PORT_ERROR_CODES)[number];
