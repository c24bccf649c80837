// Turns the typed errors of the services below (resource server, connector port) into Rafiki's GraphQL errors.
// Codes follow Rafiki's tables (wallet address, key, fee, asset, peer, transfer errors); messages keep the
// service's own explanation, which says more than Rafiki's fixed strings.
import { FeeError, OpenPaymentsError, WalletAddressError, WalletAddressKeyError } from '@sluice/resource';
import { CONNECTOR_PORT_ERROR_CODES, type ConnectorPortErrorCode } from './connector-port';
import { AdminError, ErrorCode } from './errors';

const WALLET_ADDRESS_CODES: Record<WalletAddressError['code'], ErrorCode> = {
  invalid_url: ErrorCode.BadUserInput,
  reserved_path: ErrorCode.BadUserInput,
  unknown_asset: ErrorCode.BadUserInput,
  duplicate_url: ErrorCode.Duplicate,
  unknown_wallet_address: ErrorCode.NotFound,
};

const KEY_CODES: Record<WalletAddressKeyError['code'], ErrorCode> = {
  invalid_jwk: ErrorCode.BadUserInput,
  duplicate_key: ErrorCode.Duplicate,
  unknown_wallet_address: ErrorCode.NotFound,
  unknown_key: ErrorCode.NotFound,
};

const FEE_CODES: Record<FeeError['code'], ErrorCode> = {
  invalid_fee: ErrorCode.BadUserInput,
  unknown_asset: ErrorCode.NotFound,
};

const CONNECTOR_CODES: Record<ConnectorPortErrorCode, ErrorCode> = {
  invalid_argument: ErrorCode.BadUserInput,
  invalid_ilp_address: ErrorCode.BadUserInput,
  amount_out_of_range: ErrorCode.BadUserInput,
  unknown_asset: ErrorCode.NotFound,
  unknown_peer: ErrorCode.NotFound,
  unknown_account: ErrorCode.NotFound,
  unknown_transfer: ErrorCode.NotFound,
  duplicate_asset: ErrorCode.Duplicate,
  asset_in_use: ErrorCode.Forbidden,
  duplicate_peer: ErrorCode.Duplicate,
  duplicate_incoming_token: ErrorCode.Duplicate,
  duplicate_account: ErrorCode.Duplicate,
  transfer_exists: ErrorCode.Duplicate,
  transfer_not_pending: ErrorCode.Conflict,
  asset_mismatch: ErrorCode.Forbidden,
  insufficient_balance: ErrorCode.Forbidden,
  exceeds_max_balance: ErrorCode.Forbidden,
  transfer_expired: ErrorCode.Forbidden,
  limit_below_usage: ErrorCode.Forbidden,
  // Rafiki's InvalidPeerUrl (NOT_FOUND) and its refusals (PeerUnsupportedAsset, InvalidPeeringRequest: BAD_USER_INPUT).
  peer_unreachable: ErrorCode.NotFound,
  peering_refused: ErrorCode.BadUserInput,
};

const OPEN_PAYMENTS_STATUS_CODES: Partial<Record<OpenPaymentsError['status'], ErrorCode>> = {
  400: ErrorCode.BadUserInput,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  403: ErrorCode.Forbidden,
};

function isConnectorPortError(error: unknown): error is Error & { code: ConnectorPortErrorCode } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && (CONNECTOR_PORT_ERROR_CODES as readonly unknown[]).includes(code);
}

/** The GraphQL error for a known service error; anything else is rethrown unchanged (an internal error). */
export function toAdminError(error: unknown): never {
  if (error instanceof AdminError) throw error;
  if (error instanceof WalletAddressError) throw new AdminError(WALLET_ADDRESS_CODES[error.code], error.message);
  if (error instanceof WalletAddressKeyError) throw new AdminError(KEY_CODES[error.code], error.message);
  if (error instanceof FeeError) throw new AdminError(FEE_CODES[error.code], error.message);
  if (error instanceof OpenPaymentsError) {
    const code = OPEN_PAYMENTS_STATUS_CODES[error.status];
    if (code) throw new AdminError(code, error.description);
  }
  if (isConnectorPortError(error)) throw new AdminError(CONNECTOR_CODES[error.code], error.message);
  throw error;
}

/** Runs a service call, translating its typed errors. */
export async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return toAdminError(error);
  }
}
