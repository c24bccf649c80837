import type Koa from 'koa';
import { invalidRequest, notFound } from '../open-payments-error';
import { UUID_PATTERN } from '../pagination';
import { readJsonBody } from '../http/json-body';
import { authorizeRequest, type RequireAccessDeps } from '../http/require-access';
import type { WalletAddressService } from '../wallet-addresses/wallet-address-service';
import { quoteJson, type QuoteService } from './quote-service';

export interface QuoteRoutesDeps extends RequireAccessDeps {
  quotes: QuoteService;
  walletAddresses: WalletAddressService;
}

const CREATE_FIELDS = new Set(['walletAddress', 'receiver', 'method', 'debitAmount', 'receiveAmount']);

export function quoteRoutes(deps: QuoteRoutesDeps): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path === '/quotes' && ctx.method === 'POST') {
      const body = await readJsonBody(ctx);
      const unknown = Object.keys(body).filter((key) => !CREATE_FIELDS.has(key));
      if (unknown.length > 0) throw invalidRequest(`unknown field(s): ${unknown.join(', ')}`);
      if (body.method !== 'ilp') throw invalidRequest('method must be "ilp"');
      if (typeof body.walletAddress !== 'string') throw invalidRequest('walletAddress is required');
      const walletAddress = await deps.walletAddresses.getByUrl(body.walletAddress);
      if (!walletAddress || walletAddress.status !== 'active') throw notFound('wallet address not found');
      // Quote grants carry no identifier; the wallet address is checked when the quote is paid.
      const access = await authorizeRequest(ctx, deps, { type: 'quote', action: 'create' });
      const quote = await deps.quotes.create({
        walletAddress,
        client: access.clientId,
        receiver: body.receiver,
        debitAmount: body.debitAmount,
        receiveAmount: body.receiveAmount,
      });
      ctx.status = 201;
      ctx.body = quoteJson(quote, walletAddress, deps.openPaymentsUrl);
      return;
    }
    const match = /^\/quotes\/([^/]+)$/.exec(ctx.path);
    if (!match || ctx.method !== 'GET') return next();
    const quote = UUID_PATTERN.test(match[1]) ? await deps.quotes.get(match[1]) : undefined;
    if (!quote) throw notFound('quote not found');
    const walletAddress = await deps.walletAddresses.get(quote.walletAddressId);
    if (!walletAddress) throw notFound('quote not found');
    const access = await authorizeRequest(ctx, deps, { type: 'quote', action: 'read' });
    if (!access.allResources && quote.client !== access.clientId) throw notFound('quote not found');
    ctx.body = quoteJson(quote, walletAddress, deps.openPaymentsUrl);
  };
}
