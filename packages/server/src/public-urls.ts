import type { SluiceConfig } from './config';
import type { ListenerName } from './sluice';

export interface PublicUrls {
  /** OPEN_PAYMENTS_URL: base of wallet addresses and resources. */
  openPayments: string;
  /** AUTH_SERVER_URL: the grant endpoint itself. */
  authServer: string;
  /** AUTH_INTERACTION_URL: base of interaction redirects. */
  authInteraction: string;
  /** ILP_CONNECTOR_URL: the connector's ILP-over-HTTP endpoint, as peers are told it. */
  ilpConnector: string;
}

/**
 * The URLs clients see. Configured ones win; otherwise `http://localhost:<port>` of the listener running here, or of
 * the configured port when that service runs in another process.
 */
export function resolvePublicUrls(config: SluiceConfig, localUrls: Partial<Record<ListenerName, string>>): PublicUrls {
  const local = (name: ListenerName, port: number) => localUrls[name] ?? `http://localhost:${port}`;
  return {
    openPayments: config.openPaymentsUrl ?? local('open-payments', config.ports.openPayments),
    authServer: config.authServerUrl ?? local('auth', config.ports.auth),
    authInteraction: config.authInteractionUrl ?? local('auth-interaction', config.ports.authInteraction),
    ilpConnector: config.ilpConnectorUrl ?? `${local('connector', config.ports.connector)}/ilp`,
  };
}
