import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { bigintFromColumn, MAX_UINT64 } from '../amount';
import { paginate, type Page, type PageRequest } from '../pagination';

export type FeeType = 'SENDING' | 'RECEIVING';

/** A fee schedule: `fixed` units plus `basisPoints` (1/100 of a percent) of the amount sent. */
export interface Fee {
  id: string;
  assetId: string;
  type: FeeType;
  fixed: bigint;
  basisPoints: number;
  createdAt: Date;
}

export class FeeError extends Error {
  constructor(
    readonly code: 'invalid_fee' | 'unknown_asset',
    message: string,
  ) {
    super(message);
    this.name = 'FeeError';
  }
}

interface FeeRow {
  id: string;
  asset_id: string;
  type: FeeType;
  fixed_fee: string;
  basis_point_fee: number;
  created_at: Date;
}

const toFee = (row: FeeRow): Fee => ({
  id: row.id,
  assetId: row.asset_id,
  type: row.type,
  fixed: bigintFromColumn(row.fixed_fee),
  basisPoints: Number(row.basis_point_fee),
  createdAt: row.created_at,
});

/** The fee charged on sending `sendAmount`: fixed + ceil(sendAmount × bp / 10000), so rounding never favours the payer. */
export function feeOn(fee: Pick<Fee, 'fixed' | 'basisPoints'> | undefined, sendAmount: bigint): bigint {
  if (!fee) return 0n;
  return fee.fixed + (sendAmount * BigInt(fee.basisPoints) + 9999n) / 10000n;
}

/** The largest amount that can be sent from `debitAmount` once its own fee is added; 0 when nothing fits. */
export function sendableFrom(fee: Pick<Fee, 'fixed' | 'basisPoints'> | undefined, debitAmount: bigint): bigint {
  if (!fee) return debitAmount;
  if (debitAmount <= fee.fixed) return 0n;
  let send = ((debitAmount - fee.fixed) * 10000n) / (10000n + BigInt(fee.basisPoints));
  // The ceiling in feeOn can push one unit over; step down until it fits (at most a few steps).
  while (send > 0n && send + feeOn(fee, send) > debitAmount) send--;
  return send;
}

/** Fees are versioned: setting one adds a row, and the newest row of an asset and type is in force. */
export function createFeeService(deps: { knex: Knex }) {
  const { knex } = deps;
  return {
    async set(input: { assetId: string; type: FeeType; fixed: bigint; basisPoints: number }): Promise<Fee> {
      if (input.type !== 'SENDING' && input.type !== 'RECEIVING')
        throw new FeeError('invalid_fee', 'type must be SENDING or RECEIVING');
      if (input.fixed < 0n || input.fixed > MAX_UINT64) throw new FeeError('invalid_fee', 'fixed fee must be a UInt64');
      if (!Number.isInteger(input.basisPoints) || input.basisPoints < 0 || input.basisPoints > 10000) {
        throw new FeeError('invalid_fee', 'basis points must be an integer from 0 to 10000');
      }
      if (!(await knex('connector_assets').where('id', input.assetId).whereNull('deleted_at').first('id'))) {
        throw new FeeError('unknown_asset', `no asset with id ${input.assetId}`);
      }
      const [row] = (await knex('fees')
        .insert({
          id: randomUUID(),
          asset_id: input.assetId,
          type: input.type,
          fixed_fee: input.fixed.toString(),
          basis_point_fee: input.basisPoints,
        })
        .returning('*')) as FeeRow[];
      return toFee(row);
    },

    /** An asset's fees of both types, every version, newest first (the admin API's Asset.fees). */
    async list(assetId: string, request: PageRequest): Promise<Page<Fee>> {
      const page = await paginate<FeeRow>(knex, 'fees', knex('fees').where('fees.asset_id', assetId), request);
      return { items: page.items.map(toFee), pageInfo: page.pageInfo };
    },

    async current(assetId: string, type: FeeType): Promise<Fee | undefined> {
      const row = (await knex('fees')
        .where({ asset_id: assetId, type })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first()) as FeeRow | undefined;
      return row && toFee(row);
    },
  };
}

export type FeeService = ReturnType<typeof createFeeService>;
