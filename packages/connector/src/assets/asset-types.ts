// Assets, with Rafiki's field names so the admin GraphQL can expose them unchanged.

export interface Asset {
  id: string;
  /** Currency code, e.g. "USD" (ISO 4217 or any code the operator uses, e.g. "BTC"). */
  code: string;
  /** Amounts are in units of 10^-scale, e.g. scale 2: 100 = 1.00. */
  scale: number;
  /** Minimum balance a withdrawal must leave behind before the operator is alerted (stored for the admin API). */
  withdrawalThreshold: bigint | null;
  /** Liquidity below which the operator should top up (stored for the admin API). */
  liquidityThreshold: bigint | null;
  /** Ledger account holding the connector's own money in this asset (what it can pay out when exchanging). */
  liquidityAccountId: string;
  /** Ledger account that balances deposits and withdrawals (money entering and leaving the ledger). */
  settlementAccountId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateAssetOptions {
  code: string;
  scale: number;
  withdrawalThreshold?: bigint | null;
  liquidityThreshold?: bigint | null;
}

export interface UpdateAssetOptions {
  id: string;
  withdrawalThreshold?: bigint | null;
  liquidityThreshold?: bigint | null;
}
