import type Koa from 'koa';
import { amountToJson } from '../amount';
import { invalidRequest, notFound, OpenPaymentsError } from '../open-payments-error';
import { parsePageRequest, UUID_PATTERN } from '../pagination';
import { readJsonBody } from '../http/json-body';
import { authorizeRequest, type RequireAccessDeps } from '../http/require-access';
import type { WalletAddress, WalletAddressService } from '../wallet-addresses/wallet-address-service';
import type { IncomingPayment, IncomingPaymentService } from './incoming-payment-service';
import type { WalletAddressReceivers } from '../stream/wallet-address-receivers';

export interface IncomingPaymentRoutesDeps extends RequireAccessDeps {
  incomingPayments: IncomingPaymentService;
  walletAddresses: WalletAddressService;
  receivers: WalletAddressReceivers;
}

const CREATE_FIELDS = new Set(['walletAddress', 'incomingAmount', 'expiresAt', 'metadata']);

export function incomingPaymentUrl(openPaymentsUrl: string, id: string): string {
  return `${openPaymentsUrl.replace(/\/$/, '')}/incoming-payments/${id}`;
}

export function incomingPaymentJson(payment: IncomingPayment, walletAddress: WalletAddress, openPaymentsUrl: string) {
  return {
    id: incomingPaymentUrl(openPaymentsUrl, payment.id),
    walletAddress: walletAddress.url,
    completed: payment.state === 'completed',
    ...(payment.incomingAmount ? { incomingAmount: amountToJson(payment.incomingAmount) } : {}),
    receivedAmount: amountToJson(payment.receivedAmount),
    expiresAt: payment.expiresAt.toISOString(),
    ...(payment.metadata ? { metadata: payment.metadata } : {}),
    createdAt: payment.createdAt.toISOString(),
  };
}

export function incomingPaymentWithMethodsJson(
  payment: IncomingPayment,
  walletAddress: WalletAddress,
  deps: Pick<IncomingPaymentRoutesDeps, 'receivers' | 'openPaymentsUrl'>,
) {
  const receiving = payment.state === 'pending' || payment.state === 'processing';
  const credentials =
    receiving && walletAddress.status === 'active'
      ? deps.receivers.credentials(walletAddress, { kind: 'incoming-payment', incomingPaymentId: payment.id })
      : undefined;
  return {
    ...incomingPaymentJson(payment, walletAddress, deps.openPaymentsUrl),
    methods: credentials
      ? [
          {
            type: 'ilp',
            ilpAddress: credentials.ilpAddress,
            sharedSecret: credentials.sharedSecret.toString('base64url'),
          },
        ]
      : [],
  };
}

async function walletAddressNamed(deps: IncomingPaymentRoutesDeps, url: unknown): Promise<WalletAddress> {
  if (typeof url !== 'string' || url === '') throw invalidRequest('walletAddress is required');
  const walletAddress = await deps.walletAddresses.getByUrl(url);
  if (!walletAddress || walletAddress.status !== 'active') throw notFound('wallet address not found');
  return walletAddress;
}

/** The payment and its wallet address, or 404 when it does not exist or the caller may not see it. */
async function loadForCaller(
  ctx: Koa.Context,
  deps: IncomingPaymentRoutesDeps,
  id: string,
  action: 'read' | 'complete',
): Promise<{ payment: IncomingPayment; walletAddress: WalletAddress }> {
  const payment = UUID_PATTERN.test(id) ? await deps.incomingPayments.get(id) : undefined;
  if (!payment) throw notFound('incoming payment not found');
  const walletAddress = (await deps.walletAddresses.get(payment.walletAddressId)) as WalletAddress;
  const access = await authorizeRequest(ctx, deps, {
    type: 'incoming-payment',
    action,
    identifier: walletAddress.url,
  });
  // A read grant sees only what its client created; read-all sees every payment of the wallet address.
  if (action === 'read' && !access.allResources && payment.client !== access.clientId) {
    throw notFound('incoming payment not found');
  }
  return { payment, walletAddress };
}

export function incomingPaymentRoutes(deps: IncomingPaymentRoutesDeps): Koa.Middleware {
  const base = '/incoming-payments';
  return async (ctx, next) => {
    if (ctx.path === base && ctx.method === 'POST') {
      const body = await readJsonBody(ctx);
      const unknown = Object.keys(body).filter((key) => !CREATE_FIELDS.has(key));
      if (unknown.length > 0) throw invalidRequest(`unknown field(s): ${unknown.join(', ')}`);
      const walletAddress = await walletAddressNamed(deps, body.walletAddress);
      const access = await authorizeRequest(ctx, deps, {
        type: 'incoming-payment',
        action: 'create',
        identifier: walletAddress.url,
      });
      const payment = await deps.incomingPayments.create({
        walletAddress,
        client: access.clientId,
        incomingAmount: body.incomingAmount,
        expiresAt: body.expiresAt,
        metadata: body.metadata,
      });
      ctx.status = 201;
      ctx.body = incomingPaymentWithMethodsJson(payment, walletAddress, deps);
      return;
    }
    if (ctx.path === base && ctx.method === 'GET') {
      const walletAddress = await walletAddressNamed(deps, ctx.query['wallet-address']);
      const page = parsePageRequest(ctx.query);
      const access = await authorizeRequest(ctx, deps, {
        type: 'incoming-payment',
        action: 'list',
        identifier: walletAddress.url,
      });
      const result = await deps.incomingPayments.list(
        walletAddress.id,
        page,
        access.allResources ? undefined : access.clientId,
      );
      ctx.body = {
        pagination: result.pageInfo,
        result: result.items.map((payment) => incomingPaymentJson(payment, walletAddress, deps.openPaymentsUrl)),
      };
      return;
    }
    const match = /^\/incoming-payments\/([^/]+)(\/complete)?$/.exec(ctx.path);
    if (!match) return next();
    const id = match[1];
    if (match[2] && ctx.method === 'POST') {
      const { walletAddress } = await loadForCaller(ctx, deps, id, 'complete');
      const completed = await deps.incomingPayments.complete(id);
      ctx.body = incomingPaymentJson(completed, walletAddress, deps.openPaymentsUrl);
      return;
    }
    if (!match[2] && ctx.method === 'GET') {
      if (!ctx.get('authorization')) {
        // The public view: enough for a sender to find the auth server and see progress.
        const payment = UUID_PATTERN.test(id) ? await deps.incomingPayments.get(id) : undefined;
        if (!payment) throw notFound('incoming payment not found');
        ctx.body = { receivedAmount: amountToJson(payment.receivedAmount), authServer: deps.authServerUrl };
        return;
      }
      const { payment, walletAddress } = await loadForCaller(ctx, deps, id, 'read');
      ctx.body = incomingPaymentWithMethodsJson(payment, walletAddress, deps);
      return;
    }
    throw new OpenPaymentsError(400, 'invalid_request', `${ctx.method} is not supported on ${ctx.path}`);
  };
}
