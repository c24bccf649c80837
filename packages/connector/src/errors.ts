// Typed errors of the connector's management API (assets, peers, accounts, transfers). Each carries a stable
// `code` the admin API can map to its own error responses without parsing messages.

export type ConnectorErrorCode =
  | 'invalid_argument'
  | 'invalid_ilp_address'
  | 'unknown_asset'
  | 'duplicate_asset'
  | 'asset_in_use'
  | 'unknown_peer'
  | 'duplicate_peer'
  | 'duplicate_incoming_token'
  | 'unknown_account'
  | 'duplicate_account'
  | 'asset_mismatch'
  | 'insufficient_balance'
  | 'exceeds_max_balance'
  | 'amount_out_of_range'
  | 'transfer_exists'
  | 'unknown_transfer'
  | 'transfer_not_pending'
  | 'transfer_expired'
  | 'limit_below_usage'
  | 'peer_unreachable'
  | 'peering_refused';

export class ConnectorError extends Error {
  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}

export function invalidArgument(message: string): ConnectorError {
  return new ConnectorError('invalid_argument', message);
}

/** PostgreSQL SQLSTATE of a failed query, when there is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const CHECK_VIOLATION = '23514';
