import type { Knex } from 'knex';
import { matchAccess } from '../access/match';
import type { AuthSettings } from '../config';
import { findTokenByValueHash } from '../store/access-tokens';
import { clientOf } from '../store/grants';
import { hashToken } from '../tokens';
import type { IntrospectionTokenCache } from './token-cache';
import type { IntrospectionRequest, IntrospectionResponse } from './types';

export interface IntrospectDeps {
  knex: Knex;
  settings: AuthSettings;
  tokenCache: IntrospectionTokenCache;
}

/**
 * Answers whether a token is usable right now. The token's row may come from the token cache, which forgets it as
 * soon as it is revoked or rotated (see token-cache.ts); expiry is checked on every call. Unknown, expired, revoked
 * tokens and tokens of revoked grants are all `{ active: false }`, indistinguishable to the caller.
 */
export async function introspect(deps: IntrospectDeps, request: IntrospectionRequest): Promise<IntrospectionResponse> {
  const valueHash = hashToken(request.access_token);
  const token = await deps.tokenCache.lookup(valueHash, () => findTokenByValueHash(deps.knex, valueHash));
  if (token === undefined || token.revokedAt !== null || token.grantState !== 'issued') return { active: false };
  if (token.expiresAt.getTime() <= deps.settings.now().getTime()) return { active: false };
  return {
    active: true,
    grant: token.grantId,
    access: matchAccess(token.access, request.access),
    client: clientOf(token),
  };
}
