import type Koa from 'koa';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { JwksKeyCache } from '@sluice/http-signatures';
import { OpenPaymentsError } from './open-payments-error';
import { CLIENT_IDENTITY_PATH, createWalletAddressService } from './wallet-addresses/wallet-address-service';
// undici's own fetch, so that the guard's undici dispatcher is the one that connects.
import { fetch } from 'undici';
import { assertPublicHost, publicNetworkDispatcher } from './quotes/public-network';
import { createWalletAddressKeyService } from './wallet-addresses/wallet-address-keys';
import { walletAddressRoutes } from './wallet-addresses/wallet-address-routes';
import { createAddressResolver } from './wallet-addresses/address-resolver';
import { createIncomingPaymentService } from './incoming-payments/incoming-payment-service';
import { incomingPaymentRoutes } from './incoming-payments/incoming-payment-routes';
import { createWalletAddressReceivers } from './stream/wallet-address-receivers';
import { createSpspHandler } from './stream/spsp';
import { createLocalStreamReceiver } from './stream/local-stream-receiver';
import { createFeeService } from './fees/fee-service';
import { createReceiverResolver } from './quotes/receiver';
import { createRemoteOpenPayments, serverClientKey } from './quotes/remote-open-payments';
import { createQuoteService } from './quotes/quote-service';
import { quoteRoutes } from './quotes/quote-routes';
import {
  createOutgoingPaymentService,
  type FundingMode,
  type IntervalLocator,
} from './outgoing-payments/outgoing-payment-service';
import { outgoingPaymentRoutes } from './outgoing-payments/outgoing-payment-routes';
import { createPaymentWorker } from './outgoing-payments/payment-worker';
import { createWalletAddressOnDemand } from './wallet-addresses/wallet-address-on-demand';
import {
  announceDueWebMonetization,
  createWebMonetizationAnnouncer,
  type WebMonetizationPolicy,
} from './wallet-addresses/web-monetization';
import type { PaymentLedger } from './outgoing-payments/payment-ledger';
import type { PaymentSlot } from './outgoing-payments/payment-worker';
import { createWebhookDelivery } from './webhooks/webhook-delivery';
import { WEBHOOK_EVENTS_CHANNEL } from './webhooks/webhook-events';
import { openApiRequestValidation } from './http/openapi-request-validation';
import { createCombinedPaymentList } from './payments/combined-payment-list';
import type { Introspect } from './http/token-introspection';
import type { WalletAddress } from './wallet-addresses/wallet-address-service';
import type { IlpPrepare, IlpReply } from '@sluice/stream';

export interface ResourceServerDeps {
  knex: Knex;
  logger: Logger;
  /** Public base URL of this resource server (OPEN_PAYMENTS_URL). */
  openPaymentsUrl: string;
  /** Public URL of the grant endpoint (AUTH_SERVER_URL). */
  authServerUrl: string;
  /** The connector's ILP address; wallet addresses are reached below it. */
  ilpAddress: string;
  /** 32 bytes: derives every STREAM credential (STREAM_SECRET). */
  streamSecret: Buffer;
  /** Token introspection at the auth server (in-process or over HTTP). */
  introspect: Introspect;
  /** Fetches a client's JWKS document; defaults to an HTTP GET. */
  fetchJwks?: (url: string) => Promise<unknown>;
  /** The money side of payments (the connector's ledger); without it quotes and outgoing payments are unavailable. */
  payments?: {
    ledger: PaymentLedger;
    /** How rate probes for a wallet address leave this server. */
    probeSendPrepare(walletAddress: WalletAddress): (prepare: IlpPrepare) => Promise<IlpReply>;
    funding: FundingMode;
    intervalContaining: IntervalLocator;
    quoteLifespanMs?: number;
  };
  webhooks?: { url: string; secret: string };
  /**
   * A request for a wallet address that does not exist announces it (wallet_address.not_found) and waits this long
   * for the operator to create it, looking every `pollIntervalMs` (Rafiki: 1,500 and 100 ms). Default: no wait.
   */
  walletAddressOnDemand?: { timeoutMs: number; pollIntervalMs: number };
  /**
   * Rafiki's POLL_INCOMING_PAYMENT_CREATED_WEBHOOK: every incoming payment creation waits up to `timeoutMs` for the
   * operator to approve it (approveIncomingPayment) and is refused when it cancels it or does not decide.
   */
  incomingPaymentApproval?: { timeoutMs: number; pollIntervalMs: number };
  /**
   * When money paid over SPSP is announced (wallet_address.web_monetization), besides the asset's withdrawalThreshold,
   * and how often due announcements are looked for (default 1,000 ms).
   */
  webMonetization?: WebMonetizationPolicy & { checkIntervalMs?: number };
  /**
   * Secret this server's Open Payments client key is derived from (for paying receivers on other servers);
   * without it only receivers on this server can be paid.
   */
  clientKeySecret?: Buffer;
  /**
   * Whether URLs clients choose may lead to private networks: receivers on other servers (see
   * RemoteOpenPaymentsDeps) and clients' keys fetched over HTTP. Default false.
   */
  allowPrivateUrls?: boolean;
  /** Told after a wallet address is created or changed. */
  onWalletAddressChanged?: (walletAddress: WalletAddress) => void;
  /**
   * Subscribes to a NOTIFY channel of the database; webhook delivery uses it to start as soon as an event commits in
   * any process. Without it delivery only polls (every second).
   */
  listen?: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;
}

/** Answers an OpenPaymentsError with its status and `{ error: { code, description } }` body. */
function openPaymentsErrors(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof OpenPaymentsError)) throw error;
      if (error.status >= 500) logger.error({ err: error }, 'open payments error');
      ctx.status = error.status;
      ctx.body = error.toBody();
    }
  };
}

/**
 * Fetches clients' keys over HTTP; unless `allowPrivateUrls`, only from public addresses (checked before the request
 * and again when connecting) or from this server's own origin.
 */
function createJwksFetcher(allowPrivateUrls: boolean, openPaymentsUrl: string) {
  const own = new URL(openPaymentsUrl);
  const dispatcher = allowPrivateUrls ? undefined : publicNetworkDispatcher([own.hostname]);
  return async (url: string): Promise<unknown> => {
    const parsed = new URL(url);
    if (dispatcher && parsed.origin !== own.origin) await assertPublicHost(parsed);
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
      dispatcher,
    });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return response.json();
  };
}

export function createResourceServer(deps: ResourceServerDeps) {
  const openPaymentsUrl = deps.openPaymentsUrl.replace(/\/$/, '');
  const { knex, logger } = deps;
  const walletAddresses = createWalletAddressService({
    ...deps,
    openPaymentsUrl,
    onChanged: deps.onWalletAddressChanged,
  });
  const keys = createWalletAddressKeyService(deps);
  const incomingPayments = createIncomingPaymentService({
    knex,
    approval: deps.incomingPaymentApproval,
    // Declared below; only called once a creation has been written.
    onAwaitingApproval: () => webhookDelivery?.wake(),
  });
  const combinedPayments = createCombinedPaymentList(deps);
  const receivers = createWalletAddressReceivers(deps);
  const addresses = createAddressResolver({ walletAddresses, ilpAddress: deps.ilpAddress });
  const fees = createFeeService(deps);
  const clientKey = deps.clientKeySecret ? serverClientKey(deps.clientKeySecret) : undefined;
  const remote = clientKey
    ? createRemoteOpenPayments({
        ...clientKey,
        clientWalletAddressUrl: openPaymentsUrl + CLIENT_IDENTITY_PATH,
        allowPrivateNetworks: deps.allowPrivateUrls,
      })
    : undefined;
  const receiverResolver = createReceiverResolver({
    openPaymentsUrl,
    incomingPayments,
    walletAddresses,
    receivers,
    remote,
  });
  const webhookDelivery = deps.webhooks
    ? createWebhookDelivery({
        knex,
        logger: logger.child({ component: 'webhooks' }),
        webhookUrl: deps.webhooks.url,
        secret: deps.webhooks.secret,
      })
    : undefined;
  const localStreamReceiver = createLocalStreamReceiver({
    knex,
    ilpAddress: deps.ilpAddress,
    walletAddresses,
    incomingPayments,
    receivers,
    webhooks: webhookDelivery,
    webMonetization: deps.webMonetization,
  });
  const webMonetizationAnnouncer = createWebMonetizationAnnouncer({
    knex,
    intervalMs: deps.webMonetization?.checkIntervalMs ?? 1_000,
    onError: (error) => logger.warn({ err: error }, 'web monetization announcement failed'),
  });
  const keyCache = new JwksKeyCache({
    fetchJwks: deps.fetchJwks ?? createJwksFetcher(deps.allowPrivateUrls === true, openPaymentsUrl),
    ttlMs: 60_000,
  });
  const access = { introspect: deps.introspect, keyCache, authServerUrl: deps.authServerUrl, openPaymentsUrl };

  const payments = deps.payments;
  const quotes = payments
    ? createQuoteService({
        knex,
        fees,
        receivers: receiverResolver,
        probeSendPrepare: payments.probeSendPrepare,
        quoteLifespanMs: payments.quoteLifespanMs,
      })
    : undefined;
  // The worker is built after the service that wakes it (and reserves its slots).
  const wake: { worker?: () => void; reserve?: () => PaymentSlot | undefined } = {};
  const outgoingPayments =
    payments && quotes
      ? createOutgoingPaymentService({
          knex,
          quotes,
          ledger: payments.ledger,
          funding: payments.funding,
          intervalContaining: payments.intervalContaining,
          onReadyToSend: () => wake.worker?.(),
          reserveWorkerSlot: () => wake.reserve?.(),
          receiverProgressSql: (url) => receiverResolver.progressSql(url),
          webhooks: webhookDelivery,
        })
      : undefined;
  const worker =
    payments && outgoingPayments
      ? createPaymentWorker({
          knex,
          logger: logger.child({ component: 'payment-worker' }),
          outgoingPayments,
          ledger: payments.ledger,
          receivers: receiverResolver,
          funding: payments.funding,
          webhooks: webhookDelivery,
        })
      : undefined;
  wake.worker = worker?.wake;
  wake.reserve = worker?.reserve;

  const validation = openApiRequestValidation();
  const routes: Koa.Middleware[] = [
    openPaymentsErrors(logger),
    validation,
    incomingPaymentRoutes({ ...access, incomingPayments, walletAddresses, receivers }),
    ...(quotes ? [quoteRoutes({ ...access, quotes, walletAddresses })] : []),
    ...(outgoingPayments && quotes
      ? [outgoingPaymentRoutes({ ...access, outgoingPayments, quotes, walletAddresses })]
      : []),
    walletAddressRoutes({
      walletAddresses,
      keys,
      authServerUrl: deps.authServerUrl,
      openPaymentsUrl,
      spsp: createSpspHandler({ receivers }),
      clientJwk: clientKey?.publicJwk,
      onNotFound: createWalletAddressOnDemand({
        knex,
        walletAddresses,
        timeoutMs: deps.walletAddressOnDemand?.timeoutMs ?? 0,
        pollIntervalMs: deps.walletAddressOnDemand?.pollIntervalMs ?? 100,
      }),
    }),
  ];

  let expiryTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let unlisten: Promise<(() => Promise<void>) | undefined> | undefined;
  return {
    routes,
    walletAddresses,
    keys,
    addresses,
    incomingPayments,
    /** Incoming and outgoing payments listed together (the admin API's `payments`). */
    combinedPayments,
    receivers,
    fees,
    quotes,
    outgoingPayments,
    localStreamReceiver,
    /** Incoming payments to pay, here or on other Open Payments servers (the admin API's receiver, createReceiver). */
    paymentReceivers: receiverResolver,
    worker,
    /**
     * Writes now up to `limit` wallet_address.web_monetization events that are due (the periodic check does it within
     * a second anyway); resolves with how many (the admin API's triggerWalletAddressEvents).
     */
    announceDueWebMonetization: (limit: number) => announceDueWebMonetization(knex, limit),
    /** Loads what the routes need before the first request (the OpenAPI document); rejects when it cannot. */
    ready: () => validation.ready(),
    /** Starts the background work: payment execution, incoming payment expiry, Web Monetization, webhook delivery. */
    start(): void {
      worker?.start();
      webMonetizationAnnouncer.start();
      webhookDelivery?.start();
      if (webhookDelivery && deps.listen) {
        unlisten = deps
          .listen(WEBHOOK_EVENTS_CHANNEL, () => webhookDelivery.wake())
          .catch((error: unknown) => {
            logger.warn({ err: error }, 'cannot listen for webhook events; delivery polls instead');
            return undefined;
          });
      }
      const sweep = () => {
        incomingPayments
          .expireDue()
          .catch((error: unknown) => logger.warn({ err: error }, 'incoming payment expiry sweep failed'))
          .finally(() => {
            if (stopped) return;
            expiryTimer = setTimeout(sweep, 5_000);
            expiryTimer.unref();
          });
      };
      sweep();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (expiryTimer) clearTimeout(expiryTimer);
      const stopListening = await unlisten;
      await stopListening?.();
      await worker?.stop();
      await webMonetizationAnnouncer.stop();
      await webhookDelivery?.stop();
    },
  };
}

export type ResourceServer = ReturnType<typeof createResourceServer>;
