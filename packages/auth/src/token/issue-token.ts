import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuthSettings } from '../config';
import { insertAccessToken } from '../store/access-tokens';
import { hashToken, randomToken } from '../tokens';

export interface IssuedToken {
  value: string;
  manageId: string;
  expiresInSeconds: number;
}

/** Creates an access token for a grant. Only its hash is stored; the value exists in this response alone. */
export async function issueAccessToken(db: Knex, settings: AuthSettings, grantId: string): Promise<IssuedToken> {
  const now = settings.now();
  const value = randomToken();
  const manageId = randomToken(16);
  await insertAccessToken(db, {
    id: randomUUID(),
    grantId,
    valueHash: hashToken(value),
    manageId,
    expiresAt: new Date(now.getTime() + settings.accessTokenExpirySeconds * 1000),
    now,
  });
  return { value, manageId, expiresInSeconds: settings.accessTokenExpirySeconds };
}
