import type { Knex } from 'knex';
import type { AuthSettings } from '../config';
import { GnapError } from '../errors';
import { accessTokenBody, type AccessTokenBody } from '../grant/responses';
import { findTokenByManageId, revokeAccessToken } from '../store/access-tokens';
import { hashToken } from '../tokens';
import { issueAccessToken } from './issue-token';

export interface ManageTokenDeps {
  knex: Knex;
  settings: AuthSettings;
}

/**
 * RFC 9635 §6.1: replaces the token with a new one (new value, new management URL) carrying the same access; the old
 * value is refused from the next request on. An expired token may be rotated (that is how clients renew access while
 * the grant lives); a revoked one, or one whose grant was revoked, may not.
 */
export async function rotateAccessToken(
  deps: ManageTokenDeps,
  manageId: string,
  tokenValue: string,
): Promise<{ access_token: AccessTokenBody }> {
  return deps.knex.transaction(async (trx) => {
    const token = await findTokenByManageId(trx, manageId, hashToken(tokenValue), { forUpdate: true });
    if (token === undefined || !token.valueMatches) {
      throw new GnapError(404, 'invalid_rotation', 'unknown access token');
    }
    if (token.grantState !== 'issued') throw new GnapError(404, 'invalid_rotation', 'the grant was revoked');
    if (!(await revokeAccessToken(trx, token.tokenId, deps.settings.now()))) {
      throw new GnapError(404, 'invalid_rotation', 'the access token was already rotated or revoked');
    }
    const issued = await issueAccessToken(trx, deps.settings, token.grantId);
    return { access_token: accessTokenBody(deps.settings, issued, token.access) };
  });
}

/** RFC 9635 §6.2: revokes the token. Revoking a token that is already revoked succeeds again (204). */
export async function revokeToken(deps: ManageTokenDeps, tokenId: string): Promise<void> {
  await revokeAccessToken(deps.knex, tokenId, deps.settings.now());
}
