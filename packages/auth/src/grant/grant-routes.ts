import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { SignableRequest } from '@sluice/http-signatures';
import { readObject, readString } from '../access/shape';
import { parseClient } from '../clients/client-identity';
import { verifyClientSignature, type SignatureCheck } from '../clients/verify-signature';
import type { AuthSettings } from '../config';
import { GnapError, invalidRequest } from '../errors';
import { gnapErrorHandler } from '../http/gnap-errors';
import { grantListenerUrl } from '../http/public-url';
import { parseJsonBody, readRawBody } from '../http/read-body';
import { findTokenByManageId } from '../store/access-tokens';
import { clientOf, findGrantByContinuation } from '../store/grants';
import { rotateAccessToken, revokeToken } from '../token/manage-token';
import { gnapTokenFromHeader, hashToken } from '../tokens';
import { cancelGrant, continueGrant } from './continue-grant';
import { createGrant } from './create-grant';
import { parseGrantRequestBody } from './parse-grant-request';
import type { IntrospectionTokenCache } from '../introspection/token-cache';

export interface GrantRoutesDeps {
  knex: Knex;
  logger: Logger;
  settings: AuthSettings;
  signatures: SignatureCheck;
  fetchWalletAddress(url: string): Promise<unknown>;
  tokenCache: IntrospectionTokenCache;
}

/**
 * Waits for a change to tokens or grants, then drops this process's introspection cache, whether the change committed
 * or not (other processes hear of it through the change's NOTIFY). Only then does the client get its answer, so the
 * very next request with a revoked token is refused.
 */
async function afterTokenChange<T>(deps: GrantRoutesDeps, change: Promise<T>): Promise<T> {
  try {
    return await change;
  } finally {
    deps.tokenCache.invalidate();
  }
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The grant listener (AUTH_PORT): `POST /` grant requests, `POST|DELETE /continue/:id` continuation and cancellation,
 * `POST|DELETE /token/:id` rotation and revocation. Every request must be signed by a key of the client: the one
 * named in the body for a new grant, the grant's client for everything after.
 */
export function createGrantRoutes(deps: GrantRoutesDeps): Middleware {
  const router = new Router();
  // Router-level middleware runs only for requests that match one of the routes below.
  router.use(gnapErrorHandler(deps.logger.child({ listener: 'auth' })));

  router.post('/', async (ctx) => {
    const { raw, body } = await readJson(ctx);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalidRequest('a grant request is a JSON object');
    }
    const record = body as Record<string, unknown>;
    const client = parseClient(record.client);
    await verifyClientSignature(deps.signatures, signable(ctx, deps.settings, raw), client);
    const request = parseGrantRequestBody(record);
    ctx.body = await createGrant(deps, client, request);
  });

  router.post('/continue/:id', async (ctx) => {
    const { raw, body } = await readJson(ctx);
    const continueToken = await authenticateContinuation(deps, ctx, raw);
    const interactRef = parseContinueBody(body);
    ctx.body = await continueGrant(deps, { continueId: ctx.params.id, continueToken, interactRef });
  });

  router.delete('/continue/:id', async (ctx) => {
    const { raw } = await readJson(ctx);
    const continueToken = await authenticateContinuation(deps, ctx, raw);
    await afterTokenChange(deps, cancelGrant(deps, ctx.params.id, continueToken));
    ctx.status = 204;
  });

  router.post('/token/:id', async (ctx) => {
    const { raw } = await readJson(ctx);
    const { tokenValue } = await authenticateTokenManagement(deps, ctx, raw, 'rotate');
    ctx.body = await afterTokenChange(deps, rotateAccessToken(deps, ctx.params.id, tokenValue));
  });

  router.delete('/token/:id', async (ctx) => {
    const { raw } = await readJson(ctx);
    const { tokenId } = await authenticateTokenManagement(deps, ctx, raw, 'revoke');
    await afterTokenChange(deps, revokeToken(deps, tokenId));
    ctx.status = 204;
  });

  return router.routes() as Middleware;
}

async function readJson(ctx: Context): Promise<{ raw: Buffer; body: unknown }> {
  const raw = await readRawBody(ctx, MAX_BODY_BYTES);
  return { raw, body: parseJsonBody(raw) };
}

function signable(ctx: Context, settings: AuthSettings, raw: Buffer): SignableRequest {
  return {
    method: ctx.method,
    url: grantListenerUrl(settings, ctx.originalUrl),
    headers: ctx.req.headers,
    body: raw.length === 0 ? undefined : raw,
  };
}

/** Checks the continuation token names the grant and the request is signed by the grant's client; returns the token. */
async function authenticateContinuation(deps: GrantRoutesDeps, ctx: Context, raw: Buffer): Promise<string> {
  const continueToken = gnapTokenFromHeader(ctx.get('authorization') || undefined);
  if (continueToken === undefined) {
    throw new GnapError(401, 'invalid_continuation', 'missing continuation token (Authorization: GNAP <token>)');
  }
  const found = await findGrantByContinuation(deps.knex, ctx.params.id, hashToken(continueToken));
  if (found === undefined) throw new GnapError(404, 'invalid_continuation', 'unknown continuation');
  if (!found.tokenMatches) throw new GnapError(401, 'invalid_continuation', 'wrong continuation token');
  await verifyClientSignature(deps.signatures, signable(ctx, deps.settings, raw), clientOf(found.grant));
  return continueToken;
}

/**
 * Checks the access token is the one the management URL names and the request is signed by its grant's client.
 * An unknown management URL is 404 invalid_rotation when rotating (spec) and 401 invalid_client when revoking (the
 * only error the spec lists for DELETE).
 */
async function authenticateTokenManagement(
  deps: GrantRoutesDeps,
  ctx: Context,
  raw: Buffer,
  action: 'rotate' | 'revoke',
): Promise<{ tokenValue: string; tokenId: string }> {
  const tokenValue = gnapTokenFromHeader(ctx.get('authorization') || undefined);
  if (tokenValue === undefined) {
    throw new GnapError(401, 'invalid_client', 'missing access token (Authorization: GNAP <token>)');
  }
  const token = await findTokenByManageId(deps.knex, ctx.params.id, hashToken(tokenValue));
  if (token === undefined) {
    throw action === 'rotate'
      ? new GnapError(404, 'invalid_rotation', 'unknown access token')
      : new GnapError(401, 'invalid_client', 'unknown access token');
  }
  if (!token.valueMatches) throw new GnapError(401, 'invalid_client', 'the access token does not match its URL');
  await verifyClientSignature(deps.signatures, signable(ctx, deps.settings, raw), clientOf(token));
  return { tokenValue, tokenId: token.tokenId };
}

/** The continuation body: nothing (or `{}`) to poll, `{ interact_ref }` after the finish redirect. */
function parseContinueBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  const record = readObject(body, 'body', ['interact_ref']);
  return record.interact_ref === undefined ? undefined : readString(record.interact_ref, 'interact_ref', 256);
}
