import type { Knex } from 'knex';
import { notifyTokenChange } from './access-tokens';
import type { Ed25519Jwk } from '@sluice/http-signatures';
import type { AccessItem, SubjectRequest } from '../access/types';
import type { ClientIdentity } from '../clients/client-identity';

export type GrantState = 'pending' | 'approved' | 'rejected' | 'issued' | 'revoked';

export interface Grant {
  id: string;
  state: GrantState;
  access: AccessItem[];
  subject: SubjectRequest | null;
  clientWalletAddress: string | null;
  clientJwk: Ed25519Jwk | null;
  clientName: string | null;
  continueId: string;
  finishUri: string | null;
  clientNonce: string | null;
  lastContinuedAt: Date;
  createdAt: Date;
}

interface GrantRow {
  id: string;
  state: GrantState;
  access: AccessItem[];
  subject: SubjectRequest | null;
  client_wallet_address: string | null;
  client_jwk: Ed25519Jwk | null;
  client_name: string | null;
  continue_id: string;
  finish_uri: string | null;
  client_nonce: string | null;
  last_continued_at: Date;
  created_at: Date;
}

export const GRANT_COLUMNS = [
  'id',
  'state',
  'access',
  'subject',
  'client_wallet_address',
  'client_jwk',
  'client_name',
  'continue_id',
  'finish_uri',
  'client_nonce',
  'last_continued_at',
  'created_at',
];

export function grantFromRow(row: GrantRow): Grant {
  return {
    id: row.id,
    state: row.state,
    access: row.access,
    subject: row.subject,
    clientWalletAddress: row.client_wallet_address,
    clientJwk: row.client_jwk,
    clientName: row.client_name,
    continueId: row.continue_id,
    finishUri: row.finish_uri,
    clientNonce: row.client_nonce,
    lastContinuedAt: new Date(row.last_continued_at),
    createdAt: new Date(row.created_at),
  };
}

export function clientOf(grant: Pick<Grant, 'clientWalletAddress' | 'clientJwk'>): ClientIdentity {
  if (grant.clientWalletAddress !== null) return { walletAddress: grant.clientWalletAddress };
  if (grant.clientJwk !== null) return { jwk: grant.clientJwk };
  throw new Error('grant has no client (the auth_grants_one_client constraint should make this impossible)');
}

export interface NewGrant {
  id: string;
  state: GrantState;
  access: AccessItem[];
  subject: SubjectRequest | undefined;
  client: ClientIdentity;
  clientName: string | undefined;
  continueId: string;
  continueTokenHash: Buffer;
  finish: { uri: string; nonce: string } | undefined;
  now: Date;
}

export async function insertGrant(db: Knex, grant: NewGrant): Promise<void> {
  await db('auth_grants').insert({
    id: grant.id,
    state: grant.state,
    // jsonb values go in as JSON text: the pg driver would turn a JS array into a PostgreSQL array.
    access: JSON.stringify(grant.access),
    subject: grant.subject === undefined ? null : JSON.stringify(grant.subject),
    client_wallet_address: 'walletAddress' in grant.client ? grant.client.walletAddress : null,
    client_jwk: 'jwk' in grant.client ? JSON.stringify(grant.client.jwk) : null,
    client_name: grant.clientName ?? null,
    continue_id: grant.continueId,
    continue_token_hash: grant.continueTokenHash,
    finish_uri: grant.finish?.uri ?? null,
    client_nonce: grant.finish?.nonce ?? null,
    last_continued_at: grant.now,
    created_at: grant.now,
    updated_at: grant.now,
  });
}

/**
 * The grant a continuation URL names, if the presented continuation token is its token. `forUpdate` locks the row
 * so concurrent continuations of one grant (two polls, poll and cancel) are decided one after the other.
 */
export async function findGrantByContinuation(
  db: Knex,
  continueId: string,
  continueTokenHash: Buffer,
  options: { forUpdate?: boolean } = {},
): Promise<{ grant: Grant; tokenMatches: boolean } | undefined> {
  const query = db('auth_grants')
    .select(GRANT_COLUMNS)
    .select(db.raw('(continue_token_hash = ?) AS token_matches', [continueTokenHash]))
    .where({ continue_id: continueId })
    .first();
  if (options.forUpdate) query.forUpdate();
  const row = (await query) as (GrantRow & { token_matches: boolean }) | undefined;
  return row === undefined ? undefined : { grant: grantFromRow(row), tokenMatches: row.token_matches };
}

export async function updateGrantState(
  db: Knex,
  id: string,
  state: GrantState,
  now: Date,
  extra: { lastContinuedAt?: Date } = {},
): Promise<void> {
  await db('auth_grants')
    .where({ id })
    .update({
      state,
      updated_at: now,
      ...(extra.lastContinuedAt === undefined ? {} : { last_continued_at: extra.lastContinuedAt }),
    });
  // Tokens are active only while their grant is issued, and revocation is the only way out of that state.
  if (state === 'revoked') await notifyTokenChange(db);
}

export async function touchContinuation(db: Knex, id: string, now: Date): Promise<void> {
  await db('auth_grants').where({ id }).update({ last_continued_at: now, updated_at: now });
}
