import { createHash } from 'node:crypto';
import type Koa from 'koa';
import {
  isHttpSignatureError,
  verifyRequestSignature,
  type Ed25519Jwk,
  type JwksKeyCache,
} from '@sluice/http-signatures';
import { OpenPaymentsError } from '../open-payments-error';
import { readRawBody } from './json-body';
import type {
  AccessAction,
  AccessType,
  ClientIdentity,
  GrantedAccess,
  Introspect,
  OutgoingPaymentLimits,
} from './token-introspection';

/** What a request proved about its caller; kept in `ctx.state.access`. */
export interface AuthorizedAccess {
  grantId: string;
  /** A stable id of the client: its wallet address URL, or `jwk:<thumbprint>` for a directed-identity key. */
  clientId: string;
  /** True when the grant holds `read-all` / `list-all`: every resource of the wallet address, not only the client's. */
  allResources: boolean;
  limits?: OutgoingPaymentLimits;
  granted: GrantedAccess;
}

export interface RequireAccessDeps {
  introspect: Introspect;
  keyCache: JwksKeyCache;
  authServerUrl: string;
  openPaymentsUrl: string;
}

const SUPERSET: Partial<Record<AccessAction, AccessAction>> = { read: 'read-all', list: 'list-all' };

export function clientIdOf(client: ClientIdentity): string {
  if ('walletAddress' in client) return client.walletAddress;
  const jwk = client.jwk as { crv?: string; kty?: string; x?: string };
  // RFC 7638 thumbprint members for OKP keys, in lexicographic order.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return `jwk:${createHash('sha256').update(canonical).digest('base64url')}`;
}

function unauthorized(deps: RequireAccessDeps, ctx: Koa.Context, code: string, description: string): OpenPaymentsError {
  ctx.set('WWW-Authenticate', `GNAP as_uri=${deps.authServerUrl}`);
  return new OpenPaymentsError(401, code, description);
}

/**
 * Checks the GNAP access token of a request by introspection, then the request's HTTP signature with the key of the
 * client the token was issued to. `identifier` is the wallet address the request acts on.
 */
export async function authorizeRequest(
  ctx: Koa.Context,
  deps: RequireAccessDeps,
  wanted: { type: AccessType; action: AccessAction; identifier?: string; anyOfType?: boolean },
): Promise<AuthorizedAccess> {
  const header = ctx.get('authorization');
  const match = /^GNAP ([\x21-\x7e]+)$/.exec(header);
  if (!match) throw unauthorized(deps, ctx, 'unauthorized', 'missing or malformed GNAP access token');

  let introspection;
  try {
    // anyOfType: the caller only needs to know which grant the token belongs to (GET /outgoing-payment-grant), so
    // every granted item comes back (no `access` asked for) and any of the type will do.
    introspection = await deps.introspect(
      wanted.anyOfType
        ? { access_token: match[1] }
        : {
            access_token: match[1],
            access: [{ type: wanted.type, actions: [wanted.action], identifier: wanted.identifier }],
          },
    );
  } catch {
    throw unauthorized(deps, ctx, 'unauthorized', 'the access token could not be checked');
  }
  if (!introspection.active) throw new OpenPaymentsError(403, 'forbidden', 'inactive access token');

  const acceptable = [wanted.action, SUPERSET[wanted.action]].filter(Boolean) as AccessAction[];
  const granted = introspection.access.find(
    (item) =>
      (wanted.anyOfType && item.type === wanted.type) ||
      (item.type === wanted.type &&
        (item.identifier === undefined || wanted.identifier === undefined || item.identifier === wanted.identifier) &&
        item.actions.some((action) => acceptable.includes(action))),
  );
  if (!granted)
    throw new OpenPaymentsError(403, 'forbidden', `the grant does not allow ${wanted.type}:${wanted.action}`);

  await verifySignature(ctx, deps, introspection.client);

  return {
    grantId: introspection.grant,
    clientId: clientIdOf(introspection.client),
    allResources: granted.actions.includes(SUPERSET[wanted.action] as AccessAction),
    limits: granted.limits,
    granted,
  };
}

async function verifySignature(ctx: Koa.Context, deps: RequireAccessDeps, client: ClientIdentity): Promise<void> {
  const body = ['POST', 'PUT', 'PATCH'].includes(ctx.method) ? await readRawBody(ctx) : undefined;
  const request = {
    method: ctx.method,
    url: new URL(ctx.originalUrl, deps.openPaymentsUrl.replace(/\/?$/, '/')).toString(),
    headers: ctx.headers as Record<string, string | string[] | undefined>,
    body: body && body.length > 0 ? body : undefined,
  };
  try {
    await verifyRequestSignature(
      request,
      'walletAddress' in client
        ? async (keyId) => {
            const key = await deps.keyCache.getKey(client.walletAddress, keyId);
            if (!key) throw unauthorized(deps, ctx, 'invalid_signature', 'unknown signing key');
            return key;
          }
        : (client.jwk as unknown as Ed25519Jwk),
    );
  } catch (error) {
    if (error instanceof OpenPaymentsError) throw error;
    const reason = isHttpSignatureError(error) ? error.code : 'invalid_signature';
    throw unauthorized(deps, ctx, 'invalid_signature', `request signature refused: ${reason}`);
  }
}
