import type { ResolverMap } from '../graphql/build-schema';
import { accountingTransferResolvers } from './accounting-transfers';
import { assetResolvers } from './assets';
import { eventLiquidityResolvers } from './event-liquidity';
import { feeResolvers } from './fees';
import { incomingPaymentResolvers } from './incoming-payments';
import { outgoingPaymentResolvers } from './outgoing-payments';
import { paymentResolvers } from './payments';
import { liquidityResolvers } from './liquidity';
import { peerResolvers } from './peers';
import { tenantResolvers } from './tenant';
import { walletAddressKeyResolvers } from './wallet-address-keys';
import { walletAddressResolvers } from './wallet-addresses';
import { webhookEventResolvers } from './webhook-events';
import { withdrawalResolvers } from './withdrawals';

export const allResolvers: ResolverMap[] = [
  accountingTransferResolvers,
  assetResolvers,
  eventLiquidityResolvers,
  feeResolvers,
  incomingPaymentResolvers,
  outgoingPaymentResolvers,
  paymentResolvers,
  liquidityResolvers,
  peerResolvers,
  tenantResolvers,
  walletAddressKeyResolvers,
  walletAddressResolvers,
  webhookEventResolvers,
  withdrawalResolvers,
];
