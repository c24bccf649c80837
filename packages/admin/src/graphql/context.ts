// What every resolver of one request gets: the services, and per-request memos so that an asset named by many
// wallet addresses on a page is fetched once.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ResourceServer } from '@sluice/resource';
import type { ConnectorPort, PortAsset } from '../connector-port';
import { serviceUnavailable } from '../errors';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import type { WebhookEventStore } from '../webhook-events/webhook-event-store';
import { paymentLiquidity, type PaymentLiquidity } from './payment-liquidity';

export interface AdminServices {
  knex: Knex;
  logger: Logger;
  resource: ResourceServer;
  connector?: ConnectorPort;
  idempotency: IdempotencyStore;
  webhookEvents: WebhookEventStore;
  /** The id of this instance's single tenant. */
  tenantId(): Promise<string>;
}

export interface AdminContext extends AdminServices {
  /** The connector, or a SERVICE_UNAVAILABLE error for the operation that needs it. */
  requireConnector(): ConnectorPort;
  /** An asset by id through the connector, fetched at most once per request. */
  loadAsset(id: string): Promise<PortAsset | undefined>;
  /** Payments' liquidity through the connector, read once for all the payments of a page. */
  paymentLiquidity: PaymentLiquidity;
}

export function createContext(services: AdminServices): AdminContext {
  const assets = new Map<string, Promise<PortAsset | undefined>>();
  const requireConnector = () => {
    if (!services.connector) throw serviceUnavailable('the connector (assets, peers, liquidity)');
    return services.connector;
  };
  return {
    ...services,
    requireConnector,
    paymentLiquidity: paymentLiquidity(requireConnector),
    loadAsset(id) {
      let asset = assets.get(id);
      if (!asset) {
        asset = requireConnector().getAsset(id);
        assets.set(id, asset);
      }
      return asset;
    },
  };
}
