import type { Knex } from 'knex';
import { matchAccess } from '../access/match';
import type { AuthSettings } from '../config';
import { findTokenByValueHash } from '../store/access-tokens';
import { clientOf } from '../store/grants';
import { hashToken } from '../tokens';
import type { IntrospectionRequest, IntrospectionResponse } from './types';

export interface IntrospectDeps {
  knex: Knex;
  settings: AuthSettings;
}

/**
 * Answers whether a token is usable right now, from the database on every call (no cache), so a revoked or rotated
 * token is refused on the very next request. Unknown, expired, revoked tokens and tokens of revoked grants are all
 * `{ active: false }`, indistinguishable to the caller.
 */
export async function introspect(deps: IntrospectDeps, request: IntrospectionRequest): Promise<IntrospectionResponse> {
  const token = await findTokenByValueHash(deps.knex, hashToken(request.access_token));
  if (token === undefined || token.revokedAt !== null || token.grantState !== 'issued') return { active: false };
  if (token.expiresAt.getTime() <= deps.settings.now().getTime()) return { active: false };
  return {
    active: true,
    grant: token.grantId,
    access: matchAccess(token.access, request.access),
    client: clientOf(token),
  };
}
