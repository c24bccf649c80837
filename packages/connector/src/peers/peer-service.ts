// Creating, reading, updating and deleting peers. A peer is created together with its ledger account (same id)
// in one transaction. Deleting a peer keeps its ledger account: its balance and journal stay for settlement.
import { randomUUID } from 'node:crypto';
import { isValidIlpAddress } from '@sluice/ilp';
import type { Knex } from 'knex';
import { checkUInt64, fromDbAmount, toDbAmount } from '../amounts';
import { ConnectorError, UNIQUE_VIOLATION, invalidArgument, sqlState } from '../errors';
import { insertAccount, setAccountLimits } from '../ledger/accounts';
import { isUuid, paginate, type Page, type Pagination } from '../pagination';
import { isHttpUrl } from '../http/http-url';
import { hashAuthToken, isValidAuthToken } from './auth-token';
import type { CreatePeerOptions, Peer, PeerHttpOutgoing, UpdatePeerOptions } from './peer-types';

export interface PeerService {
  createPeer(options: CreatePeerOptions): Promise<Peer>;
  updatePeer(options: UpdatePeerOptions): Promise<Peer>;
  deletePeer(id: string): Promise<Peer>;
  getPeer(id: string): Promise<Peer | undefined>;
  getPeerByAddressAndAsset(staticIlpAddress: string, assetId: string): Promise<Peer | undefined>;
  /** The peer an incoming bearer token belongs to. */
  getPeerByIncomingToken(token: string): Promise<Peer | undefined>;
  listPeers(pagination?: Pagination, filter?: { assetId?: string }): Promise<Page<Peer>>;
  /** Every peer, for the routing table. */
  listAllPeers(): Promise<Peer[]>;
}

export interface PeerServiceDeps {
  knex: Knex;
  onChange?: () => void;
}

interface PeerRow {
  id: string;
  asset_id: string;
  asset_code: string;
  asset_scale: number;
  static_ilp_address: string;
  name: string | null;
  max_packet_amount: string | null;
  liquidity_threshold: string | null;
  min_balance: string | null;
  outgoing_auth_token: string;
  outgoing_endpoint: string;
  outgoing_public_only: boolean;
  created_at: Date;
  updated_at: Date;
}

const FOREIGN_KEY_VIOLATION = '23503';
const MAX_NAME_LENGTH = 255;

function toPeer(row: PeerRow): Peer {
  const minBalance = fromDbAmount(row.min_balance, true);
  return {
    id: row.id,
    assetId: row.asset_id,
    asset: { code: row.asset_code, scale: Number(row.asset_scale) },
    staticIlpAddress: row.static_ilp_address,
    name: row.name,
    maxPacketAmount: fromDbAmount(row.max_packet_amount, true),
    liquidityThreshold: fromDbAmount(row.liquidity_threshold, true),
    creditLimit: minBalance === null ? 0n : -minBalance,
    http: {
      outgoing: {
        authToken: row.outgoing_auth_token,
        endpoint: row.outgoing_endpoint,
        ...(row.outgoing_public_only ? { publicOnly: true } : {}),
      },
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function selectPeers(query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query
    .select(
      'connector_peers.*',
      'connector_assets.code as asset_code',
      'connector_assets.scale as asset_scale',
      'ledger_accounts.min_balance',
    )
    .join('connector_assets', 'connector_assets.id', 'connector_peers.asset_id')
    .leftJoin('ledger_accounts', 'ledger_accounts.id', 'connector_peers.id');
}

function checkAddress(address: unknown): string {
  if (typeof address !== 'string' || !isValidIlpAddress(address)) {
    throw new ConnectorError('invalid_ilp_address', `not a valid ILP address: ${String(address)}`);
  }
  return address;
}

function checkOutgoing(outgoing: PeerHttpOutgoing | undefined): PeerHttpOutgoing {
  if (!outgoing || !isValidAuthToken(outgoing.authToken)) {
    throw invalidArgument('http.outgoing.authToken must be 1 to 1024 visible ASCII characters');
  }
  if (!isHttpUrl(outgoing.endpoint)) throw invalidArgument('http.outgoing.endpoint must be an absolute http(s) URL');
  return { authToken: outgoing.authToken, endpoint: outgoing.endpoint };
}

function checkIncomingTokens(tokens: unknown): string[] {
  if (!Array.isArray(tokens) || !tokens.every(isValidAuthToken)) {
    throw invalidArgument('http.incoming.authTokens must be tokens of 1 to 1024 visible ASCII characters');
  }
  if (new Set(tokens).size !== tokens.length) throw invalidArgument('http.incoming.authTokens has duplicates');
  return tokens;
}

function checkName(name: unknown): string | null {
  if (name === null || name === undefined) return null;
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH) {
    throw invalidArgument(`name must be a string of at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

function checkOptionalAmount(value: bigint | null | undefined, field: string): bigint | null | undefined {
  return value === undefined || value === null ? value : checkUInt64(value, field);
}

function translateWriteError(error: unknown, assetId?: string): unknown {
  if (sqlState(error) === UNIQUE_VIOLATION) {
    const constraint = (error as { constraint?: string }).constraint ?? '';
    if (constraint.includes('token') || /token_hash/.test(String(error))) {
      return new ConnectorError('duplicate_incoming_token', 'an incoming auth token is already in use', {
        cause: error,
      });
    }
    return new ConnectorError('duplicate_peer', 'a peer with this address and asset already exists', { cause: error });
  }
  if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
    return new ConnectorError('unknown_asset', `unknown asset ${assetId ?? ''}`, { cause: error });
  }
  return error;
}

async function insertTokens(trx: Knex.Transaction, peerId: string, tokens: string[]): Promise<void> {
  if (tokens.length === 0) return;
  await trx('connector_peer_incoming_tokens').insert(
    tokens.map((token) => ({ token_hash: hashAuthToken(token), peer_id: peerId })),
  );
}

export function createPeerService(deps: PeerServiceDeps): PeerService {
  const { knex } = deps;
  const changed = () => deps.onChange?.();

  async function getPeer(id: string): Promise<Peer | undefined> {
    if (!isUuid(id)) return undefined;
    const row = (await selectPeers(knex('connector_peers')).where('connector_peers.id', id).first()) as
      PeerRow | undefined;
    return row ? toPeer(row) : undefined;
  }

  return {
    getPeer,

    async createPeer(options) {
      if (!isUuid(options.assetId))
        throw new ConnectorError('unknown_asset', `unknown asset ${String(options.assetId)}`);
      const staticIlpAddress = checkAddress(options.staticIlpAddress);
      const outgoing = checkOutgoing(options.http?.outgoing);
      const tokens = checkIncomingTokens(options.http?.incoming?.authTokens ?? []);
      const name = checkName(options.name);
      const maxPacketAmount = checkOptionalAmount(options.maxPacketAmount, 'maxPacketAmount') ?? null;
      const liquidityThreshold = checkOptionalAmount(options.liquidityThreshold, 'liquidityThreshold') ?? null;
      const creditLimit = checkUInt64(options.creditLimit ?? 0n, 'creditLimit');
      const id = randomUUID();
      try {
        await knex.transaction(async (trx) => {
          // Shared lock: an asset being deleted waits for this peer, or this waits and finds it deleted.
          if (
            !(await trx('connector_assets')
              .where({ id: options.assetId })
              .whereNull('deleted_at')
              .forShare()
              .first('id'))
          ) {
            throw new ConnectorError('unknown_asset', `unknown asset ${options.assetId}`);
          }
          await trx('connector_peers').insert({
            id,
            asset_id: options.assetId,
            static_ilp_address: staticIlpAddress,
            name,
            max_packet_amount: toDbAmount(maxPacketAmount),
            liquidity_threshold: toDbAmount(liquidityThreshold),
            outgoing_auth_token: outgoing.authToken,
            outgoing_endpoint: outgoing.endpoint,
            outgoing_public_only: options.http.outgoing.publicOnly === true,
          });
          await insertTokens(trx, id, tokens);
          await insertAccount(trx, {
            id,
            assetId: options.assetId,
            kind: 'peer',
            ownerId: id,
            minBalance: -creditLimit,
            maxBalance: null,
          });
        });
      } catch (error) {
        throw translateWriteError(error, options.assetId);
      }
      changed();
      return (await getPeer(id))!;
    },

    async updatePeer(options) {
      if (!isUuid(options.id)) throw new ConnectorError('unknown_peer', `unknown peer ${String(options.id)}`);
      const update: Record<string, unknown> = { updated_at: knex.fn.now() };
      if (options.staticIlpAddress !== undefined) update.static_ilp_address = checkAddress(options.staticIlpAddress);
      if (options.name !== undefined) update.name = checkName(options.name);
      if (options.maxPacketAmount !== undefined) {
        update.max_packet_amount = toDbAmount(checkOptionalAmount(options.maxPacketAmount, 'maxPacketAmount'));
      }
      if (options.liquidityThreshold !== undefined) {
        update.liquidity_threshold = toDbAmount(checkOptionalAmount(options.liquidityThreshold, 'liquidityThreshold'));
      }
      if (options.http?.outgoing !== undefined) {
        const outgoing = checkOutgoing(options.http.outgoing);
        update.outgoing_auth_token = outgoing.authToken;
        update.outgoing_endpoint = outgoing.endpoint;
      }
      const tokens =
        options.http?.incoming !== undefined ? checkIncomingTokens(options.http.incoming.authTokens) : undefined;
      const creditLimit =
        options.creditLimit !== undefined ? checkUInt64(options.creditLimit, 'creditLimit') : undefined;
      try {
        await knex.transaction(async (trx) => {
          const count = await trx('connector_peers').where({ id: options.id }).update(update);
          if (count === 0) throw new ConnectorError('unknown_peer', `unknown peer ${options.id}`);
          if (tokens !== undefined) {
            await trx('connector_peer_incoming_tokens').where({ peer_id: options.id }).delete();
            await insertTokens(trx, options.id, tokens);
          }
          if (creditLimit !== undefined) await setAccountLimits(trx, options.id, { minBalance: -creditLimit });
        });
      } catch (error) {
        if (error instanceof ConnectorError) throw error;
        throw translateWriteError(error);
      }
      changed();
      return (await getPeer(options.id))!;
    },

    async deletePeer(id) {
      const peer = await getPeer(id);
      if (!peer) throw new ConnectorError('unknown_peer', `unknown peer ${String(id)}`);
      await knex('connector_peers').where({ id }).delete();
      changed();
      return peer;
    },

    async getPeerByAddressAndAsset(staticIlpAddress, assetId) {
      if (!isUuid(assetId)) return undefined;
      const row = (await selectPeers(knex('connector_peers'))
        .where({ static_ilp_address: staticIlpAddress, 'connector_peers.asset_id': assetId })
        .first()) as PeerRow | undefined;
      return row ? toPeer(row) : undefined;
    },

    async getPeerByIncomingToken(token) {
      if (!isValidAuthToken(token)) return undefined;
      const row = (await selectPeers(knex('connector_peers'))
        .join('connector_peer_incoming_tokens', 'connector_peer_incoming_tokens.peer_id', 'connector_peers.id')
        .where('connector_peer_incoming_tokens.token_hash', hashAuthToken(token))
        .first()) as PeerRow | undefined;
      return row ? toPeer(row) : undefined;
    },

    async listPeers(pagination = {}, filter = {}) {
      if (filter.assetId !== undefined && !isUuid(filter.assetId)) return { items: [], pageInfo: emptyPageInfo() };
      const page = await paginate<PeerRow>(knex, 'connector_peers', pagination, selectPeers, (query) =>
        filter.assetId ? query.where('connector_peers.asset_id', filter.assetId) : query,
      );
      return { items: page.items.map(toPeer), pageInfo: page.pageInfo };
    },

    async listAllPeers() {
      const rows = (await selectPeers(knex('connector_peers')).orderBy('connector_peers.created_at')) as PeerRow[];
      return rows.map(toPeer);
    },
  };
}

function emptyPageInfo() {
  return { hasNextPage: false, hasPreviousPage: false };
}
