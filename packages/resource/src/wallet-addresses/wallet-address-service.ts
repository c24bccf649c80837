import { sortableId } from '../sortable-id';
import type { Knex } from 'knex';
import { WalletAddressCache } from './wallet-address-cache';
import { candidateSegments, ilpSegmentForPath } from './ilp-segment';
import { walletAddressUrlFrom } from './payment-pointer';
import { paginate, type Page, type PageRequest } from '../pagination';

export type WalletAddressStatus = 'active' | 'inactive';

export interface WalletAddress {
  id: string;
  url: string;
  assetId: string;
  assetCode: string;
  assetScale: number;
  publicName?: string;
  status: WalletAddressStatus;
  /** This wallet address's own ILP address: `<connector ILP address>.<segment>`. */
  ilpAddress: string;
  additionalProperties: { key: string; value: string; visibleInOpenPayments: boolean }[];
  createdAt: Date;
  updatedAt: Date;
}

export class WalletAddressError extends Error {
  constructor(
    readonly code: 'invalid_url' | 'duplicate_url' | 'unknown_asset' | 'unknown_wallet_address' | 'reserved_path',
    message: string,
  ) {
    super(message);
    this.name = 'WalletAddressError';
  }
}

export interface WalletAddressServiceDeps {
  knex: Knex;
  /** Public base URL of the resource server; every wallet address URL lives under it. */
  openPaymentsUrl: string;
  ilpAddress: string;
  /** Told after a wallet address is created or changed (e.g. to route its ILP address at once). */
  onChanged?: (walletAddress: WalletAddress) => void;
  /**
   * How long lookups are reused (default 1 s; 0 = always read the database). Changes made through this service are
   * seen at once; another instance's changes within this time.
   */
  cacheTtlMs?: number;
}

// First path segments the resource server's own endpoints use; a wallet address there would be unreachable.
const RESERVED_FIRST_SEGMENTS = new Set([
  'incoming-payments',
  'outgoing-payments',
  'quotes',
  'outgoing-payment-grant',
  'healthz',
]);

/**
 * Where this server identifies itself as an Open Payments client (`<OPEN_PAYMENTS_URL>/.well-known/open-payments-client`,
 * its key at `…/jwks.json`), for auth servers that only take a wallet address as `client`: no wallet address there.
 */
export const CLIENT_IDENTITY_PATH = '/.well-known/open-payments-client';

interface WalletAddressRow {
  id: string;
  url: string;
  asset_id: string;
  asset_code: string;
  asset_scale: number;
  public_name: string | null;
  status: WalletAddressStatus;
  ilp_segment: string;
  additional_properties: WalletAddress['additionalProperties'];
  created_at: Date;
  updated_at: Date;
}

/** Whether any wallet address (active or not: its history is in that asset) is in the asset; an asset deletion asks. */
export async function anyWalletAddressInAsset(knex: Knex | Knex.Transaction, assetId: string): Promise<boolean> {
  return (await knex('wallet_addresses').where('asset_id', assetId).first('id')) !== undefined;
}

export function createWalletAddressService(deps: WalletAddressServiceDeps) {
  const { knex } = deps;
  const base = new URL(deps.openPaymentsUrl);
  const basePath = base.pathname.replace(/\/$/, '');

  const toWalletAddress = (row: WalletAddressRow): WalletAddress => ({
    id: row.id,
    url: row.url,
    assetId: row.asset_id,
    assetCode: row.asset_code,
    assetScale: Number(row.asset_scale),
    publicName: row.public_name ?? undefined,
    status: row.status,
    ilpAddress: `${deps.ilpAddress}.${row.ilp_segment}`,
    additionalProperties: row.additional_properties ?? [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

  const selectWithAsset = (db: Knex | Knex.Transaction = knex) =>
    db('wallet_addresses')
      .join('connector_assets as assets', 'assets.id', 'wallet_addresses.asset_id')
      .select('wallet_addresses.*', 'assets.code as asset_code', 'assets.scale as asset_scale');

  /** Resolves `address` (a URL, a payment pointer or a path) to a canonical URL under OPEN_PAYMENTS_URL. */
  function canonicalUrl(address: string): { url: string; path: string } {
    const trimmed = address.trim();
    let url: URL;
    try {
      url = trimmed.startsWith('/') ? new URL(basePath + trimmed, base) : new URL(walletAddressUrlFrom(trimmed));
    } catch {
      throw new WalletAddressError('invalid_url', `not a URL, payment pointer or path: "${address}"`);
    }
    if (url.origin !== base.origin || !url.pathname.startsWith(basePath + '/')) {
      throw new WalletAddressError('invalid_url', `wallet addresses must live under ${deps.openPaymentsUrl}`);
    }
    if (url.search || url.hash)
      throw new WalletAddressError('invalid_url', 'a wallet address has no query or fragment');
    const path = url.pathname.slice(basePath.length).replace(/\/+$/, '');
    if (path === '') throw new WalletAddressError('invalid_url', 'a wallet address needs a path');
    if (path.endsWith('/jwks.json') || path.endsWith('/did.json')) {
      throw new WalletAddressError('reserved_path', `"${path}" is a document path of wallet addresses`);
    }
    if (RESERVED_FIRST_SEGMENTS.has(path.split('/')[1]) || path === CLIENT_IDENTITY_PATH) {
      throw new WalletAddressError('reserved_path', `"${path}" is taken by an Open Payments endpoint`);
    }
    return { url: `${base.origin}${basePath}${path}`, path };
  }

  const cache = new WalletAddressCache({ ttlMs: deps.cacheTtlMs ?? 1_000 });
  function findBy(column: 'id' | 'url' | 'ilp_segment', value: string): Promise<WalletAddress | undefined> {
    return cache.get(`${column}:${value}`, async () => {
      const row = (await selectWithAsset().where(`wallet_addresses.${column}`, value).first()) as
        WalletAddressRow | undefined;
      // Shared by every caller until it expires, so nobody may change it.
      return row && Object.freeze(toWalletAddress(row));
    });
  }

  return {
    canonicalUrl,

    async create(input: {
      address: string;
      assetId: string;
      publicName?: string;
      additionalProperties?: WalletAddress['additionalProperties'];
    }): Promise<WalletAddress> {
      const { url, path } = canonicalUrl(input.address);
      const created = await knex.transaction(async (trx) => {
        // Shared lock: an asset being deleted waits for this wallet address, or this waits and finds it deleted.
        const asset = await trx('connector_assets')
          .where('id', input.assetId)
          .whereNull('deleted_at')
          .forShare()
          .first('id');
        if (!asset) throw new WalletAddressError('unknown_asset', `no asset with id ${input.assetId}`);
        if (await trx('wallet_addresses').where('url', url).first('id')) {
          throw new WalletAddressError('duplicate_url', `a wallet address already exists at ${url}`);
        }
        const taken = new Set(
          (
            await trx('wallet_addresses')
              .where('ilp_segment', 'like', `${ilpSegmentForPath(path)}%`)
              .pluck('ilp_segment')
          ).map(String),
        );
        let segment = '';
        for (const candidate of candidateSegments(ilpSegmentForPath(path))) {
          if (!taken.has(candidate)) {
            segment = candidate;
            break;
          }
        }
        const id = sortableId();
        await trx('wallet_addresses').insert({
          id,
          url,
          asset_id: input.assetId,
          public_name: input.publicName ?? null,
          ilp_segment: segment,
          additional_properties: JSON.stringify(input.additionalProperties ?? []),
        });
        const row = (await selectWithAsset(trx).where('wallet_addresses.id', id).first()) as WalletAddressRow;
        return toWalletAddress(row);
      });
      cache.clear();
      deps.onChanged?.(created);
      return created;
    },

    get(id: string): Promise<WalletAddress | undefined> {
      return findBy('id', id);
    },

    /** Whether a wallet address could be created at `url` (under OPEN_PAYMENTS_URL, not an endpoint's path). */
    canExistAt(url: string): boolean {
      try {
        return canonicalUrl(url).url === url.replace(/\/+$/, '');
      } catch {
        return false;
      }
    },

    getByUrl(url: string): Promise<WalletAddress | undefined> {
      return findBy('url', url.replace(/\/+$/, ''));
    },

    /** The wallet address an ILP address under our connector belongs to (its segment is the first after ours). */
    getByIlpSegment(segment: string): Promise<WalletAddress | undefined> {
      return findBy('ilp_segment', segment);
    },

    async list(request: PageRequest): Promise<Page<WalletAddress>> {
      const page = await paginate<WalletAddressRow>(knex, 'wallet_addresses', selectWithAsset(), request);
      return { items: page.items.map(toWalletAddress), pageInfo: page.pageInfo };
    },

    async update(input: {
      id: string;
      status?: WalletAddressStatus;
      publicName?: string;
      additionalProperties?: WalletAddress['additionalProperties'];
    }): Promise<WalletAddress> {
      const changes: Record<string, unknown> = { updated_at: knex.fn.now() };
      if (input.status !== undefined) changes.status = input.status;
      if (input.publicName !== undefined) changes.public_name = input.publicName;
      if (input.additionalProperties !== undefined) {
        changes.additional_properties = JSON.stringify(input.additionalProperties);
      }
      const updated = await knex('wallet_addresses').where('id', input.id).update(changes);
      cache.clear();
      if (updated === 0)
        throw new WalletAddressError('unknown_wallet_address', `no wallet address with id ${input.id}`);
      return (await this.get(input.id)) as WalletAddress;
    },
  };
}

export type WalletAddressService = ReturnType<typeof createWalletAddressService>;
