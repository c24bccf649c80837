// What the packet path needs to know about accounts, assets and peers, kept in memory so that a packet costs no
// configuration query. Assets and accounts never change their asset, so they are cached for good once read; peers
// are reloaded after every change made through this process and every `refreshIntervalMs` (changes made by another
// process on the same database are seen within that interval).
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { hashAuthToken, isValidAuthToken } from './peers/auth-token';
import type { PeerService } from './peers/peer-service';
import type { PeerHttpOutgoing } from './peers/peer-types';
import type { LedgerAccountKind } from './ledger/ledger-types';
import { isUuid } from './pagination';

export interface AssetInfo {
  id: string;
  code: string;
  scale: number;
  liquidityAccountId: string;
}

export interface PeerInfo {
  id: string;
  asset: AssetInfo;
  staticIlpAddress: string;
  maxPacketAmount: bigint | null;
  outgoing: PeerHttpOutgoing;
}

/** A ledger account a packet can come from or go to; `peer` is set for a peer's account. */
export interface AccountInfo {
  id: string;
  kind: LedgerAccountKind;
  asset: AssetInfo;
  peer?: PeerInfo;
}

export interface Directory {
  getAccount(accountId: string): Promise<AccountInfo | undefined>;
  /** An account this process saw committed (e.g. created in a caller's transaction): known without a read. */
  rememberAccount(account: { id: string; kind: LedgerAccountKind; assetId: string }): void;
  getAsset(assetId: string): Promise<AssetInfo | undefined>;
  peerByIncomingToken(token: string): Promise<PeerInfo | undefined>;
  peers(): readonly PeerInfo[];
  /** Reloads the peers; `onPeersChanged` runs after. */
  refresh(): Promise<void>;
  onPeersChanged(listener: () => void): void;
}

export interface DirectoryDeps {
  knex: Knex;
  logger: Logger;
  peerService: PeerService;
}

// Unknown tokens are remembered briefly so that a flood of bad credentials does not become a flood of queries.
const UNKNOWN_TOKEN_TTL_MS = 1000;
const MAX_UNKNOWN_TOKENS = 10_000;
/** What never changes about a ledger account, kept once read. */
interface CachedAccount {
  id: string;
  kind: LedgerAccountKind;
  assetId: string;
}

const MAX_CACHED_ACCOUNTS = 100_000;

/**
 * The cached lookup of `key`, shared by concurrent callers; a miss (it may exist later) and a failure are not kept.
 */
function remembered<T>(
  cache: Map<string, Promise<T | undefined>>,
  key: string,
  load: (key: string) => Promise<T | undefined>,
) {
  let cached = cache.get(key);
  if (!cached) {
    cached = load(key);
    cache.set(key, cached);
    cached.then(
      (value) => value ?? cache.delete(key),
      () => cache.delete(key),
    );
  }
  return cached;
}

export function createDirectory(deps: DirectoryDeps): Directory {
  const { knex, peerService } = deps;
  const assets = new Map<string, Promise<AssetInfo | undefined>>();
  const accounts = new Map<string, Promise<CachedAccount | undefined>>();
  let peersById = new Map<string, PeerInfo>();
  let peerIdByTokenHash = new Map<string, string>();
  const unknownTokens = new Map<string, number>();
  const listeners: Array<() => void> = [];
  let reloading: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  function getAsset(assetId: string): Promise<AssetInfo | undefined> {
    return remembered(assets, assetId, loadAsset);
  }

  async function loadAsset(assetId: string): Promise<AssetInfo | undefined> {
    if (!isUuid(assetId)) return undefined;
    const row = (await knex('connector_assets')
      .select('connector_assets.id', 'code', 'scale', 'ledger_accounts.id as liquidity_account_id')
      .join('ledger_accounts', function () {
        this.on('ledger_accounts.asset_id', 'connector_assets.id').andOnVal('ledger_accounts.kind', 'liquidity');
      })
      .where('connector_assets.id', assetId)
      .first()) as { id: string; code: string; scale: number; liquidity_account_id: string } | undefined;
    return row
      ? { id: row.id, code: row.code, scale: Number(row.scale), liquidityAccountId: row.liquidity_account_id }
      : undefined;
  }

  async function toPeerInfo(peer: Awaited<ReturnType<PeerService['listAllPeers']>>[number]): Promise<PeerInfo> {
    const asset = await getAsset(peer.assetId);
    if (!asset) throw new Error(`peer ${peer.id} has no asset`);
    return {
      id: peer.id,
      asset,
      staticIlpAddress: peer.staticIlpAddress,
      maxPacketAmount: peer.maxPacketAmount,
      outgoing: peer.http.outgoing,
    };
  }

  async function reload(): Promise<void> {
    const all = await peerService.listAllPeers();
    const next = new Map<string, PeerInfo>();
    for (const peer of all) next.set(peer.id, await toPeerInfo(peer));
    peersById = next;
    // Tokens may have been replaced: look them up again.
    peerIdByTokenHash = new Map();
    unknownTokens.clear();
    for (const listener of listeners) listener();
  }

  function startReload(): Promise<void> {
    const run = reload().finally(() => {
      reloading = undefined;
    });
    reloading = run;
    return run;
  }

  function refresh(): Promise<void> {
    // Coalesce: changes during a reload cause one more reload after it, not one per change.
    if (queued) return queued;
    if (!reloading) return startReload();
    const next = reloading
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return startReload();
      });
    queued = next;
    return next;
  }

  async function loadAccount(accountId: string): Promise<CachedAccount | undefined> {
    const row = (await knex('ledger_accounts').select('id', 'kind', 'asset_id').where({ id: accountId }).first()) as
      { id: string; kind: LedgerAccountKind; asset_id: string } | undefined;
    return row && { id: row.id, kind: row.kind, assetId: row.asset_id };
  }

  return {
    getAsset,
    refresh,

    peers: () => [...peersById.values()],

    onPeersChanged(listener) {
      listeners.push(listener);
    },

    rememberAccount(account) {
      if (accounts.size >= MAX_CACHED_ACCOUNTS) accounts.clear();
      accounts.set(account.id, Promise.resolve({ id: account.id, kind: account.kind, assetId: account.assetId }));
    },

    async getAccount(accountId) {
      if (!isUuid(accountId)) return undefined;
      // One entry per incoming payment ever paid would grow without end; starting over is cheap.
      if (accounts.size >= MAX_CACHED_ACCOUNTS) accounts.clear();
      // The first packets of a payment ask for its new account all at once: they share one query.
      const account = await remembered(accounts, accountId, loadAccount);
      if (!account) return undefined;
      const asset = await getAsset(account.assetId);
      if (!asset) return undefined;
      if (account.kind !== 'peer') return { id: account.id, kind: account.kind, asset };
      // A peer's account without its peer (deleted) takes part in nothing.
      const peer = peersById.get(account.id);
      return peer ? { id: account.id, kind: account.kind, asset, peer } : undefined;
    },

    async peerByIncomingToken(token) {
      if (!isValidAuthToken(token)) return undefined;
      const hash = hashAuthToken(token).toString('base64');
      const known = peerIdByTokenHash.get(hash);
      if (known !== undefined) return peersById.get(known);
      const missedAt = unknownTokens.get(hash);
      if (missedAt !== undefined && Date.now() - missedAt < UNKNOWN_TOKEN_TTL_MS) return undefined;
      const peer = await peerService.getPeerByIncomingToken(token);
      if (!peer) {
        if (unknownTokens.size >= MAX_UNKNOWN_TOKENS) unknownTokens.clear();
        unknownTokens.set(hash, Date.now());
        return undefined;
      }
      // Created by another process since the last refresh: take it in now.
      if (!peersById.has(peer.id)) peersById.set(peer.id, await toPeerInfo(peer));
      peerIdByTokenHash.set(hash, peer.id);
      return peersById.get(peer.id);
    },
  };
}
