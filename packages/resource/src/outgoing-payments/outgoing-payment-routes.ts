import type Koa from 'koa';
import { amountToJson } from '../amount';
import { invalidRequest, notFound, OpenPaymentsError } from '../open-payments-error';
import { parsePageRequest, UUID_PATTERN } from '../pagination';
import { readJsonBody } from '../http/json-body';
import { authorizeRequest, type RequireAccessDeps } from '../http/require-access';
import type { WalletAddress, WalletAddressService } from '../wallet-addresses/wallet-address-service';
import { outgoingPaymentJson, type OutgoingPaymentService } from './outgoing-payment-service';
import type { QuoteService } from '../quotes/quote-service';

export interface OutgoingPaymentRoutesDeps extends RequireAccessDeps {
  outgoingPayments: OutgoingPaymentService;
  quotes: QuoteService;
  walletAddresses: WalletAddressService;
}

const CREATE_FIELDS = new Set(['walletAddress', 'quoteId', 'metadata']);
const DIRECT_FIELDS = new Set(['walletAddress', 'incomingPayment', 'debitAmount', 'metadata']);

async function activeWalletAddress(deps: OutgoingPaymentRoutesDeps, url: unknown): Promise<WalletAddress> {
  if (typeof url !== 'string' || url === '') throw invalidRequest('walletAddress is required');
  const walletAddress = await deps.walletAddresses.getByUrl(url);
  if (!walletAddress || walletAddress.status !== 'active') throw notFound('wallet address not found');
  return walletAddress;
}

/** The quote id from `quoteId`, which clients send as the quote's URL (or, leniently, as its bare id). */
function quoteIdFrom(value: unknown, openPaymentsUrl: string): string {
  if (typeof value !== 'string') throw invalidRequest('quoteId is required');
  const prefix = `${openPaymentsUrl.replace(/\/$/, '')}/quotes/`;
  const id = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  if (!UUID_PATTERN.test(id))
    throw new OpenPaymentsError(400, 'invalid_quote', 'quoteId is not a quote of this server');
  return id;
}

export function outgoingPaymentRoutes(deps: OutgoingPaymentRoutesDeps): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path === '/outgoing-payments' && ctx.method === 'POST') {
      const body = await readJsonBody(ctx);
      // Two forms: from a quote, or straight from an incoming payment with a debit amount (priced on the spot).
      const direct = 'incomingPayment' in body || 'debitAmount' in body;
      const allowed = direct ? DIRECT_FIELDS : CREATE_FIELDS;
      const unknown = Object.keys(body).filter((key) => !allowed.has(key));
      if (unknown.length > 0) throw invalidRequest(`unknown field(s): ${unknown.join(', ')}`);
      if (direct && (typeof body.incomingPayment !== 'string' || body.debitAmount === undefined)) {
        throw invalidRequest('incomingPayment and debitAmount go together');
      }
      const walletAddress = await activeWalletAddress(deps, body.walletAddress);
      const access = await authorizeRequest(ctx, deps, {
        type: 'outgoing-payment',
        action: 'create',
        identifier: walletAddress.url,
      });
      const quoteId = direct
        ? (
            await deps.quotes.create({
              walletAddress,
              client: access.clientId,
              receiver: body.incomingPayment,
              debitAmount: body.debitAmount,
            })
          ).id
        : quoteIdFrom(body.quoteId, deps.openPaymentsUrl);
      const { payment, grantSpent } = await deps.outgoingPayments.createFromQuote({
        walletAddress,
        client: access.clientId,
        grant: { id: access.grantId, limits: access.limits },
        quoteId,
        metadata: body.metadata,
      });
      ctx.status = 201;
      ctx.body = {
        ...outgoingPaymentJson(payment, walletAddress, deps.openPaymentsUrl),
        ...(access.limits?.debitAmount && grantSpent.debit
          ? { grantSpentDebitAmount: amountToJson(grantSpent.debit) }
          : {}),
        ...(access.limits?.receiveAmount && grantSpent.receive
          ? { grantSpentReceiveAmount: amountToJson(grantSpent.receive) }
          : {}),
      };
      return;
    }
    if (ctx.path === '/outgoing-payments' && ctx.method === 'GET') {
      const walletAddress = await activeWalletAddress(deps, ctx.query['wallet-address']);
      const page = parsePageRequest(ctx.query);
      const access = await authorizeRequest(ctx, deps, {
        type: 'outgoing-payment',
        action: 'list',
        identifier: walletAddress.url,
      });
      const result = await deps.outgoingPayments.list(
        walletAddress.id,
        page,
        access.allResources ? undefined : access.clientId,
      );
      ctx.body = {
        pagination: result.pageInfo,
        result: result.items.map((payment) => outgoingPaymentJson(payment, walletAddress, deps.openPaymentsUrl)),
      };
      return;
    }
    if (ctx.path === '/outgoing-payment-grant' && ctx.method === 'GET') {
      // The token names the grant; any outgoing-payment access of it may read what it has spent.
      const access = await authorizeRequest(ctx, deps, { type: 'outgoing-payment', action: 'create', anyOfType: true });
      const spent = await deps.outgoingPayments.grantSpent(access.grantId, access.limits?.interval);
      const debitLimit = access.limits?.debitAmount;
      const receiveLimit = access.limits?.receiveAmount;
      ctx.body = {
        spentDebitAmount:
          debitLimit && spent.debit !== undefined
            ? { value: spent.debit.toString(), assetCode: debitLimit.assetCode, assetScale: debitLimit.assetScale }
            : null,
        spentReceiveAmount:
          receiveLimit && spent.receive !== undefined
            ? {
                value: spent.receive.toString(),
                assetCode: receiveLimit.assetCode,
                assetScale: receiveLimit.assetScale,
              }
            : null,
      };
      return;
    }
    const match = /^\/outgoing-payments\/([^/]+)$/.exec(ctx.path);
    if (!match || ctx.method !== 'GET') return next();
    const payment = UUID_PATTERN.test(match[1]) ? await deps.outgoingPayments.get(match[1]) : undefined;
    if (!payment) throw notFound('outgoing payment not found');
    const walletAddress = (await deps.walletAddresses.get(payment.walletAddressId)) as WalletAddress;
    const access = await authorizeRequest(ctx, deps, {
      type: 'outgoing-payment',
      action: 'read',
      identifier: walletAddress.url,
    });
    if (!access.allResources && payment.client !== access.clientId) throw notFound('outgoing payment not found');
    ctx.body = outgoingPaymentJson(payment, walletAddress, deps.openPaymentsUrl);
  };
}
