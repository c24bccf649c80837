export { createResourceServer } from './resource-server';
export type { ResourceServer, ResourceServerDeps } from './resource-server';
export { OpenPaymentsError } from './open-payments-error';
export { WalletAddressError, anyWalletAddressInAsset } from './wallet-addresses/wallet-address-service';
export type {
  WalletAddress,
  WalletAddressService,
  WalletAddressStatus,
} from './wallet-addresses/wallet-address-service';
export { WalletAddressKeyError } from './wallet-addresses/wallet-address-keys';
export type { WalletAddressKey, WalletAddressKeyService } from './wallet-addresses/wallet-address-keys';
export {
  paymentPointerToUrl,
  urlToPaymentPointer,
  walletAddressUrlFrom,
  InvalidPaymentPointerError,
} from './wallet-addresses/payment-pointer';
export type { Page, PageInfo, PageRequest } from './pagination';
export type {
  Introspect,
  IntrospectionRequest,
  IntrospectionResponse,
  GrantedAccess,
  ClientIdentity,
  AccessType,
  AccessAction,
} from './http/token-introspection';
export { InsufficientFundsError } from './outgoing-payments/payment-ledger';
export type { PaymentLedger } from './outgoing-payments/payment-ledger';
export type {
  FundingMode,
  IntervalLocator,
  OutgoingPayment,
  OutgoingPaymentFilter,
  OutgoingPaymentState,
  OutgoingPaymentService,
} from './outgoing-payments/outgoing-payment-service';
export type {
  CombinedPayment,
  CombinedPaymentFilter,
  CombinedPaymentList,
  PaymentType,
} from './payments/combined-payment-list';
export type { StringFilter } from './string-filter';
export type {
  IncomingPayment,
  IncomingPaymentService,
  IncomingPaymentState,
} from './incoming-payments/incoming-payment-service';
export type { Quote, QuoteService } from './quotes/quote-service';
export type { Receiver } from './quotes/receiver';
export {
  assertPublicHost,
  PrivateNetworkError,
  publicNetworkDispatcher,
  publicOnlyLookup,
} from './quotes/public-network';
export type { Fee, FeeService, FeeType } from './fees/fee-service';
export { FeeError } from './fees/fee-service';
export type { LocalStreamReceiver } from './stream/local-stream-receiver';
export { connectionKindAt } from './stream/wallet-address-receivers';
export { announceDueWebMonetization } from './wallet-addresses/web-monetization';
export { signWebhook } from './webhooks/webhook-delivery';
export { recordWebhookEvent } from './webhooks/webhook-events';
export { canonicalJson } from './webhooks/canonical-json';
export type { Amount } from './amount';
export type { AddressResolver, ResolvedAddress } from './wallet-addresses/address-resolver';
