// What resolvers hand to the GraphQL types: plain JSON values only (decimal strings for amounts, ISO strings for
// times), so a mutation's result can be stored as an idempotency record and returned later exactly as it was.
// Fields that need another lookup (an asset's liquidity, a wallet address's keys) are resolved from the ids here.
import type { CombinedPayment, IncomingPayment, WalletAddress, WalletAddressKey, Fee, Amount } from '@sluice/resource';
import type { PortAsset, PortPeer } from '../connector-port';

export interface AssetView {
  id: string;
  code: string;
  scale: number;
  /** Absent when the view was built from a wallet address: loaded from the connector when asked for. */
  withdrawalThreshold?: string | null;
  liquidityThreshold?: string | null;
  createdAt?: string;
}

export interface PeerView {
  id: string;
  assetId: string;
  staticIlpAddress: string;
  name: string | null;
  maxPacketAmount: string | null;
  liquidityThreshold: string | null;
  http: { outgoing: { authToken: string; endpoint: string } };
  createdAt: string;
}

export interface WalletAddressView {
  id: string;
  address: string;
  url: string;
  publicName: string | null;
  status: 'ACTIVE' | 'INACTIVE';
  assetId: string;
  assetCode: string;
  assetScale: number;
  additionalProperties: { key: string; value: string; visibleInOpenPayments: boolean }[];
  /** Where STREAM payments to the wallet address are routed (Sluice addition). */
  ilpAddress: string;
  createdAt: string;
}

export interface AmountView {
  value: string;
  assetCode: string;
  assetScale: number;
}

export interface IncomingPaymentView {
  id: string;
  walletAddressId: string;
  client: string | null;
  state: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'EXPIRED';
  expiresAt: string;
  incomingAmount: AmountView | null;
  receivedAmount: AmountView;
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

/** Rafiki's Payment: either kind of payment, with what both have in common. */
export interface PaymentView {
  id: string;
  type: 'INCOMING' | 'OUTGOING';
  walletAddressId: string;
  client: string | null;
  /** IncomingPaymentState or OutgoingPaymentState, by type. */
  state: string;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  /** Not a field of Payment: what an incoming payment has received (its liquidity is computed from it). */
  receivedAmount: string | null;
}

export interface WalletAddressKeyView {
  id: string;
  walletAddressId: string;
  jwk: { kid: string; x: string; alg: 'EdDSA'; kty: 'OKP'; crv: 'Ed25519' };
  revoked: boolean;
  createdAt: string;
}

export interface FeeView {
  id: string;
  assetId: string;
  type: 'SENDING' | 'RECEIVING';
  fixed: string;
  basisPoints: number;
  createdAt: string;
}

const amountOrNull = (value: bigint | null) => (value === null ? null : value.toString());

export const assetView = (asset: PortAsset): AssetView => ({
  id: asset.id,
  code: asset.code,
  scale: asset.scale,
  withdrawalThreshold: amountOrNull(asset.withdrawalThreshold),
  liquidityThreshold: amountOrNull(asset.liquidityThreshold),
  createdAt: asset.createdAt.toISOString(),
});

export const peerView = (peer: PortPeer): PeerView => ({
  id: peer.id,
  assetId: peer.assetId,
  staticIlpAddress: peer.staticIlpAddress,
  name: peer.name,
  maxPacketAmount: amountOrNull(peer.maxPacketAmount),
  liquidityThreshold: amountOrNull(peer.liquidityThreshold),
  http: { outgoing: { authToken: peer.http.outgoing.authToken, endpoint: peer.http.outgoing.endpoint } },
  createdAt: peer.createdAt.toISOString(),
});

export const walletAddressView = (walletAddress: WalletAddress): WalletAddressView => ({
  id: walletAddress.id,
  address: walletAddress.url,
  url: walletAddress.url,
  publicName: walletAddress.publicName ?? null,
  status: walletAddress.status === 'active' ? 'ACTIVE' : 'INACTIVE',
  assetId: walletAddress.assetId,
  assetCode: walletAddress.assetCode,
  assetScale: walletAddress.assetScale,
  ilpAddress: walletAddress.ilpAddress,
  additionalProperties: walletAddress.additionalProperties.map(({ key, value, visibleInOpenPayments }) => ({
    key,
    value,
    visibleInOpenPayments,
  })),
  createdAt: walletAddress.createdAt.toISOString(),
});

export const amountView = (amount: Amount): AmountView => ({
  value: amount.value.toString(),
  assetCode: amount.assetCode,
  assetScale: amount.assetScale,
});

export const incomingPaymentView = (payment: IncomingPayment): IncomingPaymentView => ({
  id: payment.id,
  walletAddressId: payment.walletAddressId,
  client: payment.client ?? null,
  state: payment.state.toUpperCase() as IncomingPaymentView['state'],
  expiresAt: payment.expiresAt.toISOString(),
  incomingAmount: payment.incomingAmount ? amountView(payment.incomingAmount) : null,
  receivedAmount: amountView(payment.receivedAmount),
  metadata: payment.metadata ?? null,
  createdAt: payment.createdAt.toISOString(),
});

export const paymentView = (payment: CombinedPayment): PaymentView => ({
  id: payment.id,
  type: payment.type,
  walletAddressId: payment.walletAddressId,
  client: payment.client ?? null,
  state: payment.state,
  metadata: payment.metadata ?? null,
  createdAt: payment.createdAt.toISOString(),
  receivedAmount: payment.receivedAmount?.toString() ?? null,
});

export const walletAddressKeyView = (key: WalletAddressKey): WalletAddressKeyView => ({
  id: key.id,
  walletAddressId: key.walletAddressId,
  jwk: { kid: key.jwk.kid, x: key.jwk.x, alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519' },
  revoked: key.revoked,
  createdAt: key.createdAt.toISOString(),
});

export const feeView = (fee: Fee): FeeView => ({
  id: fee.id,
  assetId: fee.assetId,
  type: fee.type,
  fixed: fee.fixed.toString(),
  basisPoints: fee.basisPoints,
  createdAt: fee.createdAt.toISOString(),
});
