import type Koa from 'koa';
import type { Ed25519Jwk } from '@sluice/http-signatures';
import { CLIENT_IDENTITY_PATH, type WalletAddress, type WalletAddressService } from './wallet-address-service';
import type { WalletAddressKeyService } from './wallet-address-keys';
import { OpenPaymentsError } from '../open-payments-error';
import { WALLET_ADDRESS_PAGE_CSP, walletAddressPage } from './wallet-address-page';

export interface WalletAddressRoutesDeps {
  walletAddresses: WalletAddressService;
  keys: WalletAddressKeyService;
  /** Public URL of the grant endpoint, published as `authServer`. */
  authServerUrl: string;
  /** Public base URL of this resource server, published as `resourceServer`. */
  openPaymentsUrl: string;
  /** Answers SPSP queries (Accept: application/spsp4+json) on a wallet address; absent until STREAM is wired in. */
  spsp?: (ctx: Koa.Context, walletAddress: WalletAddress) => Promise<void>;
  /**
   * Told about a request for a wallet address that does not exist (Rafiki's wallet_address.not_found event); answers
   * with the wallet address when the operator created it meanwhile.
   */
  onNotFound?: (url: string) => Promise<WalletAddress | undefined>;
  /** This server's own client key, published at CLIENT_IDENTITY_PATH/jwks.json when it pays other servers. */
  clientJwk?: Ed25519Jwk;
}

export function walletAddressDocument(walletAddress: WalletAddress, deps: WalletAddressRoutesDeps) {
  const visible = walletAddress.additionalProperties.filter((property) => property.visibleInOpenPayments);
  return {
    ...Object.fromEntries(visible.map((property) => [property.key, property.value])),
    id: walletAddress.url,
    ...(walletAddress.publicName ? { publicName: walletAddress.publicName } : {}),
    assetCode: walletAddress.assetCode,
    assetScale: walletAddress.assetScale,
    authServer: deps.authServerUrl,
    resourceServer: deps.openPaymentsUrl,
  };
}

/**
 * GET on any other path is a wallet address (any depth): its document, `…/jwks.json`, SPSP when asked for, or a page
 * for a browser (Accept preferring text/html; JSON otherwise, and when nothing is said).
 * Unknown and inactive addresses are 404 alike, so a client cannot tell them apart.
 */
export function walletAddressRoutes(deps: WalletAddressRoutesDeps): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const base = deps.openPaymentsUrl.replace(/\/$/, '');
    const isJwks = ctx.path.endsWith('/jwks.json');
    const path = isJwks ? ctx.path.slice(0, -'/jwks.json'.length) : ctx.path.replace(/\/+$/, '');
    if (path === '') return next();
    if (path === CLIENT_IDENTITY_PATH) {
      if (!isJwks || !deps.clientJwk) throw new OpenPaymentsError(404, 'not_found', 'wallet address not found');
      ctx.body = { keys: [deps.clientJwk] };
      return;
    }
    const url = base + path;
    let walletAddress = await deps.walletAddresses.getByUrl(url);
    if (!walletAddress && deps.onNotFound) walletAddress = await deps.onNotFound(url);
    if (!walletAddress || walletAddress.status !== 'active') {
      throw new OpenPaymentsError(404, 'not_found', 'wallet address not found');
    }
    if (isJwks) {
      const keys = await deps.keys.listActive(walletAddress.id);
      ctx.body = { keys: keys.map((key) => key.jwk) };
      return;
    }
    if (deps.spsp && ctx.get('accept').includes('application/spsp4+json')) return deps.spsp(ctx, walletAddress);
    ctx.set('Cache-Control', 'max-age=60');
    ctx.vary('Accept');
    if (ctx.accepts('application/json', 'text/html') === 'text/html') {
      ctx.set('Content-Security-Policy', WALLET_ADDRESS_PAGE_CSP);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = walletAddressPage(walletAddress);
      return;
    }
    ctx.body = walletAddressDocument(walletAddress, deps);
  };
}
