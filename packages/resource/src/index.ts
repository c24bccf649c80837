export { createResourceServer } from './resource-server';
export type { ResourceServer, ResourceServerDeps } from './resource-server';
export { OpenPaymentsError } from './open-payments-error';
export { WalletAddressError } from './wallet-addresses/wallet-address-service';
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
