import type Koa from 'koa';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { JwksKeyCache } from '@sluice/http-signatures';
import { OpenPaymentsError } from './open-payments-error';
import { createWalletAddressService } from './wallet-addresses/wallet-address-service';
import { createWalletAddressKeyService } from './wallet-addresses/wallet-address-keys';
import { walletAddressRoutes } from './wallet-addresses/wallet-address-routes';
import { createIncomingPaymentService } from './incoming-payments/incoming-payment-service';
import { incomingPaymentRoutes } from './incoming-payments/incoming-payment-routes';
import { createWalletAddressReceivers } from './stream/wallet-address-receivers';
import type { Introspect } from './http/token-introspection';

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

async function fetchJwksOverHttp(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}

export function createResourceServer(deps: ResourceServerDeps) {
  const openPaymentsUrl = deps.openPaymentsUrl.replace(/\/$/, '');
  const walletAddresses = createWalletAddressService({ ...deps, openPaymentsUrl });
  const keys = createWalletAddressKeyService(deps);
  const incomingPayments = createIncomingPaymentService(deps);
  const receivers = createWalletAddressReceivers(deps);
  const keyCache = new JwksKeyCache({ fetchJwks: deps.fetchJwks ?? fetchJwksOverHttp, ttlMs: 60_000 });
  const access = { introspect: deps.introspect, keyCache, authServerUrl: deps.authServerUrl, openPaymentsUrl };
  const routes: Koa.Middleware[] = [
    openPaymentsErrors(deps.logger),
    incomingPaymentRoutes({ ...access, incomingPayments, walletAddresses, receivers }),
    walletAddressRoutes({ walletAddresses, keys, authServerUrl: deps.authServerUrl, openPaymentsUrl }),
  ];
  return { routes, walletAddresses, keys, incomingPayments, receivers };
}

export type ResourceServer = ReturnType<typeof createResourceServer>;
