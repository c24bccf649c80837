import type { Knex } from 'knex';
import type { Ed25519Jwk } from '@sluice/http-signatures';
import type { AccessItem } from '../access/types';
import type { GrantState } from './grants';

export interface NewAccessToken {
  id: string;
  grantId: string;
  valueHash: Buffer;
  manageId: string;
  expiresAt: Date;
  now: Date;
}

export async function insertAccessToken(db: Knex, token: NewAccessToken): Promise<void> {
  await db('auth_access_tokens').insert({
    id: token.id,
    grant_id: token.grantId,
    value_hash: token.valueHash,
    manage_id: token.manageId,
    expires_at: token.expiresAt,
    created_at: token.now,
  });
}

/** What introspection needs about a token and its grant. */
export interface TokenWithGrant {
  tokenId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  grantId: string;
  grantState: GrantState;
  access: AccessItem[];
  clientWalletAddress: string | null;
  clientJwk: Ed25519Jwk | null;
}

interface TokenWithGrantRow {
  token_id: string;
  expires_at: Date;
  revoked_at: Date | null;
  grant_id: string;
  grant_state: GrantState;
  access: AccessItem[];
  client_wallet_address: string | null;
  client_jwk: Ed25519Jwk | null;
}

function tokenQuery(db: Knex) {
  return db('auth_access_tokens as t').join('auth_grants as g', 'g.id', 't.grant_id').select({
    token_id: 't.id',
    expires_at: 't.expires_at',
    revoked_at: 't.revoked_at',
    grant_id: 'g.id',
    grant_state: 'g.state',
    access: 'g.access',
    client_wallet_address: 'g.client_wallet_address',
    client_jwk: 'g.client_jwk',
  });
}

function fromRow(row: TokenWithGrantRow): TokenWithGrant {
  return {
    tokenId: row.token_id,
    expiresAt: new Date(row.expires_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    grantId: row.grant_id,
    grantState: row.grant_state,
    access: row.access,
    clientWalletAddress: row.client_wallet_address,
    clientJwk: row.client_jwk,
  };
}

/** One indexed lookup (unique value_hash, then the grant's primary key): the whole cost of an introspection. */
export async function findTokenByValueHash(db: Knex, valueHash: Buffer): Promise<TokenWithGrant | undefined> {
  const result = (await db.raw(INTROSPECTION_SQL, [valueHash])) as { rows: TokenWithGrantRow[] };
  const row = result.rows[0];
  return row === undefined ? undefined : fromRow(row);
}

// Written out rather than built by the query builder: this runs on every resource server request.
const INTROSPECTION_SQL = `SELECT t.id AS token_id, t.expires_at, t.revoked_at, g.id AS grant_id, g.state AS grant_state,
  g.access, g.client_wallet_address, g.client_jwk
  FROM auth_access_tokens t JOIN auth_grants g ON g.id = t.grant_id WHERE t.value_hash = ? LIMIT 1`;

/** The token a management URL names, and whether the presented value is that token's. */
export async function findTokenByManageId(
  db: Knex,
  manageId: string,
  valueHash: Buffer,
  options: { forUpdate?: boolean } = {},
): Promise<(TokenWithGrant & { valueMatches: boolean }) | undefined> {
  const query = tokenQuery(db)
    .select(db.raw('(t.value_hash = ?) AS value_matches', [valueHash]))
    .where('t.manage_id', manageId)
    .first();
  if (options.forUpdate) query.forUpdate();
  const row = (await query) as (TokenWithGrantRow & { value_matches: boolean }) | undefined;
  return row === undefined ? undefined : { ...fromRow(row), valueMatches: row.value_matches };
}

/** Revokes one token; false when it was already revoked (so a rotation can happen only once). */
export async function revokeAccessToken(db: Knex, id: string, now: Date): Promise<boolean> {
  const count = await db('auth_access_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: now });
  if (count > 0) await notifyTokenChange(db);
  return count > 0;
}

export async function revokeAccessTokensOfGrant(db: Knex, grantId: string, now: Date): Promise<void> {
  await db('auth_access_tokens').where({ grant_id: grantId }).whereNull('revoked_at').update({ revoked_at: now });
  await notifyTokenChange(db);
}

/** NOTIFY channel of token changes (revocation, rotation, grant revocation). */
export const TOKEN_CHANGES_CHANNEL = 'sluice_auth_token_changes';

/**
 * Tells every process caching introspected tokens that one changed. Sent by the transaction making the change, so it
 * arrives when (and only if) the change commits.
 */
export async function notifyTokenChange(db: Knex): Promise<void> {
  await db.raw(`SELECT pg_notify(?, '')`, [TOKEN_CHANGES_CHANNEL]);
}
