// Public API of @sluice/connector.
export { createConnector } from './connector';
export type { Connector, ConnectorDeps, LocalAccountResolver, SendOptions } from './connector';
export type { LocalReceiverHandler, LocalSettlement, SettlementWrite } from './pipeline/packet-context';
export type { PeerSender } from './pipeline/send';

export { ConnectorError } from './errors';
export type { ConnectorErrorCode } from './errors';
export { UINT64_MAX } from './amounts';
export type { Page, PageInfo, Pagination } from './pagination';

export { createAssetService } from './assets/asset-service';
export type { AssetService, AssetServiceDeps } from './assets/asset-service';
export type { Asset, CreateAssetOptions, UpdateAssetOptions } from './assets/asset-types';

export { createPeerService } from './peers/peer-service';
export type { PeerService, PeerServiceDeps } from './peers/peer-service';
export type { Peer, CreatePeerOptions, UpdatePeerOptions, PeerHttpOutgoing } from './peers/peer-types';
export { createAutoPeering, autoPeeringMiddleware, PeeringRefusal } from './peers/auto-peering';
export type { AutoPeering, AutoPeeringDeps, PeeringDetails, PeeringRequest } from './peers/auto-peering';

export * from './ledger';

export { createStaticRatesProvider, DEFAULT_USD_PRICES, RateUnavailableError } from './rates/rates-provider';
export type { RatesProvider, AssetUnit } from './rates/rates-provider';
export { createHttpRatesProvider, RatesFetchError } from './rates/http-rates-provider';
export type { HttpRatesProviderOptions } from './rates/http-rates-provider';
export { rational, rationalFromDecimal } from './rates/rational';
export type { Rational } from './rates/rational';
export { checkLiquidity, type LiquidityAlert, type LiquidityAlertHandler } from './liquidity-alerts';
