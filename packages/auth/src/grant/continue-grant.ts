import type { Knex } from 'knex';
import type { AuthSettings } from '../config';
import { GnapError } from '../errors';
import { findGrantByContinuation, touchContinuation, updateGrantState, type Grant } from '../store/grants';
import { revokeAccessTokensOfGrant } from '../store/access-tokens';
import { findInteractionRef } from '../store/interactions';
import { issueAccessToken } from '../token/issue-token';
import { hashToken } from '../tokens';
import { accessTokenBody, continueBody, type GrantResponseBody } from './responses';

export interface ContinuationDeps {
  knex: Knex;
  settings: AuthSettings;
}

export interface ContinueRequest {
  continueId: string;
  /** The continuation token from `Authorization: GNAP …`, already matched and signature-checked by the route. */
  continueToken: string;
  /** From the finish redirect; absent = a poll. */
  interactRef?: string;
}

/**
 * RFC 9635 §5.1–5.2 for an authenticated continuation. With interact_ref: issues the grant once the resource owner
 * approved. Without (polling): only for grants that asked for no finish redirect, since issuing by poll would skip
 * the interact_ref check that ties the approval to the client's own front channel.
 */
export async function continueGrant(deps: ContinuationDeps, request: ContinueRequest): Promise<GrantResponseBody> {
  const { settings } = deps;
  const continueTokenHash = hashToken(request.continueToken);
  return deps.knex.transaction(async (trx) => {
    // Locked: two concurrent continuations must not both issue a token.
    const found = await findGrantByContinuation(trx, request.continueId, continueTokenHash, { forUpdate: true });
    if (found === undefined || !found.tokenMatches) {
      throw new GnapError(401, 'invalid_continuation', 'unknown continuation');
    }
    const { grant } = found;
    refuseFinishedGrant(grant);
    const now = settings.now();
    if (now.getTime() < grant.lastContinuedAt.getTime() + settings.waitSeconds * 1000) {
      throw new GnapError(400, 'too_fast', `continued before the ${settings.waitSeconds} s wait was over`);
    }
    if (request.interactRef !== undefined) {
      const ref = await findInteractionRef(trx, grant.id);
      if (ref === undefined || ref !== request.interactRef) {
        throw new GnapError(404, 'invalid_continuation', 'unknown interaction reference');
      }
      if (grant.state !== 'approved') throw new GnapError(401, 'request_denied', 'the grant was not approved');
      return issue(trx, settings, grant, request);
    }
    if (grant.finishUri !== null) {
      throw new GnapError(401, 'request_denied', 'continue with the interact_ref sent to the finish URI');
    }
    if (grant.state === 'approved') return issue(trx, settings, grant, request);
    await touchContinuation(trx, grant.id, now);
    return { continue: continueBody(settings, grant.continueId, request.continueToken, { wait: true }) };
  });
}

function refuseFinishedGrant(grant: Grant): void {
  switch (grant.state) {
    case 'revoked':
      throw new GnapError(401, 'invalid_continuation', 'the grant was cancelled');
    case 'rejected':
      throw new GnapError(401, 'request_denied', 'the resource owner rejected the grant');
    case 'issued':
      // Open Payments grants are not modified by continuation; the interaction reference is single use.
      throw new GnapError(401, 'request_denied', 'the grant was already issued');
    default:
  }
}

async function issue(
  trx: Knex.Transaction,
  settings: AuthSettings,
  grant: Grant,
  request: ContinueRequest,
): Promise<GrantResponseBody> {
  const now = settings.now();
  await updateGrantState(trx, grant.id, 'issued', now, { lastContinuedAt: now });
  const body: GrantResponseBody = { continue: continueBody(settings, grant.continueId, request.continueToken) };
  if (grant.access.length > 0) {
    body.access_token = accessTokenBody(settings, await issueAccessToken(trx, settings, grant.id), grant.access);
  }
  if (grant.subject !== null) body.subject = grant.subject;
  return body;
}

/** DELETE on the continuation URL: the client cancels the request or revokes the grant; every token dies with it. */
export async function cancelGrant(deps: ContinuationDeps, continueId: string, continueToken: string): Promise<void> {
  const continueTokenHash = hashToken(continueToken);
  await deps.knex.transaction(async (trx) => {
    const found = await findGrantByContinuation(trx, continueId, continueTokenHash, { forUpdate: true });
    if (found === undefined || !found.tokenMatches) {
      throw new GnapError(401, 'invalid_continuation', 'unknown continuation');
    }
    if (found.grant.state === 'revoked') throw new GnapError(404, 'invalid_request', 'the grant is already revoked');
    const now = deps.settings.now();
    await updateGrantState(trx, found.grant.id, 'revoked', now);
    await revokeAccessTokensOfGrant(trx, found.grant.id, now);
  });
}
