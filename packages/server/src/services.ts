// The composition root: builds each selected service from its package's factory, passing dependencies in.
import type Koa from 'koa';
import type { Knex } from 'knex';
import { createAuthServer, createIntrospectionClient, intervalContaining, type AuthServer } from '@sluice/auth';
import {
  autoPeeringMiddleware,
  createAutoPeering,
  createConnector,
  createHttpRatesProvider,
  createStaticRatesProvider,
  type AutoPeering,
  type Connector,
} from '@sluice/connector';
import {
  anyWalletAddressInAsset,
  assertPublicHost,
  createResourceServer,
  publicNetworkDispatcher,
  publicOnlyLookup,
  recordWebhookEvent,
  type ResourceServer,
  type WalletAddress,
} from '@sluice/resource';
import { ConfigError, type SluiceConfig, type SluiceSecrets } from './config';
import type { Logger } from './logger';
import type { ListenToChannel } from './database';
import type { PublicUrls } from './public-urls';
import type { ListenerName } from './sluice';
import { allowCrossOrigin } from './cross-origin';
import { createConnectorPaymentLedger, createWalletAccountIds, walletAddressAccountId } from './payment-ledger';
import { createLocalReceiverRoutes } from './local-receivers';
import { connectorPortOver } from './admin-connector-port';
import { createAdminServer } from '@sluice/admin';

export interface ServicesDeps {
  config: SluiceConfig;
  secrets: SluiceSecrets;
  knex: Knex;
  listen?: ListenToChannel;
  logger: Logger;
  publicUrls: PublicUrls;
  localUrls: Partial<Record<ListenerName, string>>;
}

export interface RunningServices {
  routes: Partial<Record<ListenerName, Koa.Middleware[]>>;
  auth?: AuthServer;
  connector?: Connector;
  resource?: ResourceServer;
  /** The ledger account holding a wallet address's balance (ledger funding mode). */
  walletAddressAccountId?: (walletAddress: WalletAddress) => Promise<string>;
  stop(): Promise<void>;
}

export async function buildServices(deps: ServicesDeps): Promise<RunningServices> {
  const { config, secrets, knex, logger, publicUrls } = deps;
  const ownOpenPayments = new URL(publicUrls.openPayments);
  const selected = new Set(config.services);
  const routes: RunningServices['routes'] = {};
  const stops: (() => Promise<void> | void)[] = [];

  try {
    let auth: AuthServer | undefined;
    if (selected.has('auth')) {
      auth = createAuthServer({
        knex,
        logger: logger.child({ service: 'auth' }),
        authServerUrl: publicUrls.authServer,
        interactionUrl: publicUrls.authInteraction,
        idpSecret: secrets.idpSecret,
        identityServerUrl: config.identityServerUrl,
        accessTokenExpirySeconds: config.accessTokenExpirySeconds,
        waitSeconds: config.waitSeconds,
        listen: deps.listen,
        clientUrlGuard: config.allowPrivateUrls
          ? undefined
          : {
              // This deployment's own wallet addresses are trusted wherever its own name resolves (an internal load
              // balancer's private address, say).
              check: (url) => (url.origin === ownOpenPayments.origin ? Promise.resolve() : assertPublicHost(url)),
              dispatcher: publicNetworkDispatcher([ownOpenPayments.hostname]),
            },
      });
      const running = auth;
      stops.push(() => running.stop());
      routes.auth = [allowCrossOrigin(), running.grantRoutes];
      routes['auth-introspection'] = [running.introspectionRoutes];
      routes['auth-interaction'] = [running.interactionRoutes];
    }

    // The connector module runs wherever money moves or is managed: for peers (the connector service), for the
    // resource server's payments and embedded STREAM receiver, and under the admin API.
    let connector: Connector | undefined;
    let autoPeering: AutoPeering | undefined;
    if (selected.has('connector') || selected.has('resource') || selected.has('admin')) {
      connector = await createConnector({
        knex,
        logger: logger.child({ service: 'connector' }),
        ilpAddress: config.ilpAddress,
        spread: config.connectorSpread,
        ratesProvider: config.exchangeRatesUrl
          ? createHttpRatesProvider({ url: config.exchangeRatesUrl, lifetimeMs: config.exchangeRatesLifetimeMs })
          : createStaticRatesProvider(),
        // Rafiki's asset.liquidity_low / peer.liquidity_low, in the one outbox (delivered by the resource service).
        isAssetUsedElsewhere: anyWalletAddressInAsset,
        // Peers that asked to be peered are flagged publicOnly only while private networks are off limits.
        http: { publicOnlyLookup: publicOnlyLookup() },
        onLiquidityLow: (trx, alert) =>
          recordWebhookEvent(trx, alert.kind === 'asset' ? 'asset.liquidity_low' : 'peer.liquidity_low', {
            id: alert.id,
            asset: alert.asset,
            liquidityThreshold: alert.liquidityThreshold.toString(),
            balance: alert.balance.toString(),
          }).then(() => undefined),
      });
      const running = connector;
      stops.push(() => running.stop());
      autoPeering = createAutoPeering({
        assets: running,
        peers: running,
        ilpAddress: config.ilpAddress,
        ilpConnectorUrl: publicUrls.ilpConnector,
        instanceName: config.instanceName,
        // A requesting peer names the URL this node will post packets to: not one on a private network, unless allowed.
        checkPeerEndpoint: config.allowPrivateUrls ? undefined : assertPublicHost,
      });
      if (selected.has('connector')) {
        routes.connector = [
          running.httpMiddleware(),
          ...(config.enableAutoPeering ? [autoPeeringMiddleware(autoPeering)] : []),
        ];
      }
    }

    let resource: ResourceServer | undefined;
    if (connector) {
      if (config.incomingPaymentApproval && !config.webhookUrl) {
        // Allowed (an operator may watch the admin API's webhookEvents), but most likely a mistake.
        logger.warn(
          'POLL_INCOMING_PAYMENT_CREATED_WEBHOOK is on without WEBHOOK_URL: incoming payment creations wait for an ' +
            'approval the operator hears of only through the admin API',
        );
      }
      const introspectionUrl = config.authIntrospectionUrl ?? deps.localUrls['auth-introspection'];
      const introspection = auth
        ? createIntrospectionClient({ introspect: auth.introspect })
        : introspectionUrl
          ? createIntrospectionClient({ url: introspectionUrl })
          : undefined;
      if (!introspection && selected.has('resource')) {
        throw new ConfigError(
          'AUTH_INTROSPECTION_URL',
          'required when the resource service runs without the auth service',
        );
      }
      const walletAccounts = createWalletAccountIds();
      // Webhook funding (Rafiki's model): money paid over SPSP is kept apart, for the operator to withdraw.
      const webhookFunding = config.paymentFunding === 'webhook';
      const paymentLedger = createConnectorPaymentLedger({ knex, connector, walletAccounts });
      // The local receiver routes are built after the resource server they serve; changes reach them through this.
      const walletAddressListeners: ((walletAddress: WalletAddress) => void)[] = [];
      resource = createResourceServer({
        knex,
        listen: deps.listen,
        logger: logger.child({ service: 'resource' }),
        openPaymentsUrl: publicUrls.openPayments,
        authServerUrl: publicUrls.authServer,
        ilpAddress: config.ilpAddress,
        streamSecret: Buffer.from(secrets.streamSecret, 'base64'),
        introspect: (request) => {
          if (!introspection) throw new Error('no introspection configured');
          return introspection.introspect(request);
        },
        payments: {
          ledger: paymentLedger,
          // Rate probes cannot be fulfilled, so the connector runs them without holding any balance.
          probeSendPrepare: (walletAddress) => {
            let sourceAccountId: Promise<string> | undefined;
            return async (prepare) => {
              sourceAccountId ??= walletAccounts.get(knex, walletAddress.id, walletAddress.assetId);
              return connector.sendPrepare(await sourceAccountId, prepare, { unfulfillable: true });
            };
          },
          funding: config.paymentFunding,
          intervalContaining,
          quoteLifespanMs: config.quoteLifespanSeconds * 1000,
        },
        webhooks: config.webhookUrl ? { url: config.webhookUrl, secret: secrets.webhookSecret } : undefined,
        walletAddressOnDemand: {
          timeoutMs: config.walletAddressLookupTimeoutMs,
          pollIntervalMs: config.walletAddressPollingFrequencyMs,
        },
        incomingPaymentApproval: config.incomingPaymentApproval,
        webMonetization: { throttleDelayMs: config.withdrawalThrottleDelayMs },
        clientKeySecret: Buffer.from(secrets.streamSecret, 'base64'),
        allowPrivateUrls: config.allowPrivateUrls,
        onWalletAddressChanged: (walletAddress) =>
          walletAddressListeners.forEach((listener) => listener(walletAddress)),
      });
      const localReceivers = createLocalReceiverRoutes({
        knex,
        logger,
        connector,
        receiver: resource.localStreamReceiver,
        walletAccounts,
        webMonetizationAccounts: webhookFunding ? createWalletAccountIds('web_monetization') : undefined,
      });
      walletAddressListeners.push(localReceivers.changed);
      await localReceivers.start();
      stops.push(() => localReceivers.stop());
      if (selected.has('resource')) {
        await resource.ready();
        routes['open-payments'] = [allowCrossOrigin(), ...resource.routes];
        resource.start();
        const started = resource;
        stops.push(() => started.stop());
      }
    }

    if (selected.has('admin') && resource && connector) {
      routes.admin = createAdminServer({
        knex,
        logger: logger.child({ service: 'admin' }),
        adminApiSecret: secrets.adminApiSecret,
        resource,
        connector: connectorPortOver(
          knex,
          { assets: connector, peers: connector, ledger: connector, autoPeering: autoPeering! },
          { walletAddressAccount: config.paymentFunding === 'webhook' ? 'web_monetization' : 'wallet_address' },
        ),
      }).routes;
    }

    return {
      routes,
      auth,
      connector,
      resource,
      walletAddressAccountId: (walletAddress) => walletAddressAccountId(knex, walletAddress.id, walletAddress.assetId),
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
}
