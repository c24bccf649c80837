// Creating, reading, updating and deleting assets. An asset is created together with its settlement and liquidity
// ledger accounts in one transaction; code and scale never change afterwards (amounts already recorded depend on them).
// Deleting is Rafiki's soft delete: the row stays for what refers to it and is hidden from every read; creating the
// same code and scale again brings it back under its old id.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { checkUInt64, fromDbAmount, toDbAmount } from '../amounts';
import { ConnectorError, UNIQUE_VIOLATION, invalidArgument, sqlState } from '../errors';
import { insertAccount } from '../ledger/accounts';
import { isUuid, paginate, type Page, type Pagination } from '../pagination';
import type { Asset, CreateAssetOptions, UpdateAssetOptions } from './asset-types';

export interface AssetService {
  createAsset(options: CreateAssetOptions): Promise<Asset>;
  getAsset(id: string): Promise<Asset | undefined>;
  getAssetByCodeAndScale(code: string, scale: number): Promise<Asset | undefined>;
  listAssets(pagination?: Pagination): Promise<Page<Asset>>;
  updateAsset(options: UpdateAssetOptions): Promise<Asset>;
  /**
   * Refused with asset_in_use while a peer or (per `isAssetUsedElsewhere`) anything outside the connector uses the
   * asset, or while the ledger holds money in it: once deleted, nothing could show or pay that money out.
   */
  deleteAsset(id: string): Promise<Asset>;
}

export interface AssetServiceDeps {
  knex: Knex;
  /** Called after every change, so caches (the connector's) can refresh. */
  onChange?: () => void;
  /**
   * Whether something the connector does not own (a wallet address) uses the asset; asked inside the deletion's
   * transaction, after the asset's row is locked, so a creation that locks it to share cannot slip in between.
   */
  isAssetUsedElsewhere?: (trx: Knex.Transaction, assetId: string) => Promise<boolean>;
}

interface AssetRow {
  id: string;
  code: string;
  scale: number;
  withdrawal_threshold: string | null;
  liquidity_threshold: string | null;
  liquidity_account_id: string;
  settlement_account_id: string;
  created_at: Date;
  updated_at: Date;
}

// Printable ASCII without spaces: ISO 4217 codes, crypto tickers, operator-defined codes.
const ASSET_CODE = /^[\x21-\x7e]{1,32}$/;

function toAsset(row: AssetRow): Asset {
  return {
    id: row.id,
    code: row.code,
    scale: Number(row.scale),
    withdrawalThreshold: fromDbAmount(row.withdrawal_threshold, true),
    liquidityThreshold: fromDbAmount(row.liquidity_threshold, true),
    liquidityAccountId: row.liquidity_account_id,
    settlementAccountId: row.settlement_account_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function selectAssets(query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query
    .whereNull('connector_assets.deleted_at')
    .select('connector_assets.*', 'liquidity.id as liquidity_account_id', 'settlement.id as settlement_account_id')
    .join('ledger_accounts as liquidity', function () {
      this.on('liquidity.asset_id', 'connector_assets.id').andOnVal('liquidity.kind', 'liquidity');
    })
    .join('ledger_accounts as settlement', function () {
      this.on('settlement.asset_id', 'connector_assets.id').andOnVal('settlement.kind', 'settlement');
    });
}

function checkThreshold(value: bigint | null | undefined, field: string): bigint | null | undefined {
  if (value === undefined || value === null) return value;
  return checkUInt64(value, field);
}

export function createAssetService(deps: AssetServiceDeps): AssetService {
  const { knex } = deps;
  const changed = () => deps.onChange?.();

  async function getAsset(id: string): Promise<Asset | undefined> {
    if (!isUuid(id)) return undefined;
    const row = (await selectAssets(knex('connector_assets')).where('connector_assets.id', id).first()) as
      AssetRow | undefined;
    return row ? toAsset(row) : undefined;
  }

  return {
    getAsset,

    async getAssetByCodeAndScale(code, scale) {
      const row = (await selectAssets(knex('connector_assets')).where({ code, scale }).first()) as AssetRow | undefined;
      return row ? toAsset(row) : undefined;
    },

    async createAsset(options) {
      if (typeof options.code !== 'string' || !ASSET_CODE.test(options.code)) {
        throw invalidArgument('code must be 1 to 32 printable ASCII characters without spaces');
      }
      if (!Number.isInteger(options.scale) || options.scale < 0 || options.scale > 255) {
        throw invalidArgument('scale must be an integer in 0..255');
      }
      const withdrawalThreshold = checkThreshold(options.withdrawalThreshold, 'withdrawalThreshold') ?? null;
      const liquidityThreshold = checkThreshold(options.liquidityThreshold, 'liquidityThreshold') ?? null;
      const restored = (await knex('connector_assets')
        .where({ code: options.code, scale: options.scale })
        .whereNotNull('deleted_at')
        .update({
          deleted_at: null,
          withdrawal_threshold: toDbAmount(withdrawalThreshold),
          liquidity_threshold: toDbAmount(liquidityThreshold),
          updated_at: knex.fn.now(),
        })
        .returning('id')) as { id: string }[];
      if (restored.length > 0) {
        changed();
        return (await getAsset(restored[0]!.id))!;
      }
      const id = randomUUID();
      try {
        await knex.transaction(async (trx) => {
          await trx('connector_assets').insert({
            id,
            code: options.code,
            scale: options.scale,
            withdrawal_threshold: toDbAmount(withdrawalThreshold),
            liquidity_threshold: toDbAmount(liquidityThreshold),
          });
          // The settlement account has no limits: it is the other side of every deposit and withdrawal.
          await insertAccount(trx, {
            id: randomUUID(),
            assetId: id,
            kind: 'settlement',
            ownerId: null,
            minBalance: null,
            maxBalance: null,
          });
          // The connector never pays out liquidity it does not have.
          await insertAccount(trx, {
            id: randomUUID(),
            assetId: id,
            kind: 'liquidity',
            ownerId: null,
            minBalance: 0n,
            maxBalance: null,
          });
        });
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION) {
          throw new ConnectorError('duplicate_asset', `asset ${options.code} with scale ${options.scale} exists`, {
            cause: error,
          });
        }
        throw error;
      }
      changed();
      return (await getAsset(id))!;
    },

    async listAssets(pagination = {}) {
      const page = await paginate<AssetRow>(knex, 'connector_assets', pagination, selectAssets);
      return { items: page.items.map(toAsset), pageInfo: page.pageInfo };
    },

    async updateAsset(options) {
      if (!isUuid(options.id)) throw new ConnectorError('unknown_asset', `unknown asset ${String(options.id)}`);
      const update: Record<string, unknown> = { updated_at: knex.fn.now() };
      const withdrawalThreshold = checkThreshold(options.withdrawalThreshold, 'withdrawalThreshold');
      const liquidityThreshold = checkThreshold(options.liquidityThreshold, 'liquidityThreshold');
      if (withdrawalThreshold !== undefined) update.withdrawal_threshold = toDbAmount(withdrawalThreshold);
      if (liquidityThreshold !== undefined) update.liquidity_threshold = toDbAmount(liquidityThreshold);
      const count = await knex('connector_assets').where({ id: options.id }).whereNull('deleted_at').update(update);
      if (count === 0) throw new ConnectorError('unknown_asset', `unknown asset ${options.id}`);
      changed();
      return (await getAsset(options.id))!;
    },

    async deleteAsset(id) {
      const asset = await getAsset(id);
      if (!asset) throw new ConnectorError('unknown_asset', `unknown asset ${String(id)}`);
      await knex.transaction(async (trx) => {
        const locked = await trx('connector_assets').where({ id }).whereNull('deleted_at').forUpdate().first('id');
        if (!locked) throw new ConnectorError('unknown_asset', `unknown asset ${id}`);
        if (await trx('connector_peers').where({ asset_id: id }).first('id')) {
          throw new ConnectorError('asset_in_use', 'a peer uses this asset');
        }
        if (await deps.isAssetUsedElsewhere?.(trx, id)) {
          throw new ConnectorError('asset_in_use', 'a wallet address uses this asset');
        }
        // Every balance of the asset at zero (the settlement account is then at zero too, by double entry).
        const holding = await trx('ledger_accounts')
          .where({ asset_id: id })
          .whereNot('kind', 'settlement')
          .where((where) =>
            where.whereNot('balance', 0).orWhereNot('debits_pending', 0).orWhereNot('credits_pending', 0),
          )
          .first('kind');
        if (holding) {
          throw new ConnectorError(
            'asset_in_use',
            `the ledger holds money in this asset (a ${String(holding.kind)} account)`,
          );
        }
        await trx('connector_assets').where({ id }).update({ deleted_at: trx.fn.now(), updated_at: trx.fn.now() });
      });
      changed();
      return asset;
    },
  };
}
