import type { Knex } from 'knex';
import { GRANT_COLUMNS, grantFromRow, type Grant } from './grants';

export type InteractionState = 'pending' | 'approved' | 'rejected';

export interface Interaction {
  id: string;
  nonce: string;
  grantId: string;
  ref: string;
  state: InteractionState;
  expiresAt: Date;
}

interface InteractionRow {
  interaction_id: string;
  interaction_nonce: string;
  interaction_ref: string;
  interaction_state: InteractionState;
  interaction_expires_at: Date;
  session_matches: boolean | null;
}

export async function insertInteraction(db: Knex, interaction: Interaction & { createdAt: Date }): Promise<void> {
  await db('auth_interactions').insert({
    id: interaction.id,
    nonce: interaction.nonce,
    grant_id: interaction.grantId,
    ref: interaction.ref,
    state: interaction.state,
    expires_at: interaction.expiresAt,
    created_at: interaction.createdAt,
  });
}

export interface InteractionWithGrant {
  interaction: Interaction;
  grant: Grant;
  /** Whether the given session hash is the interaction's; null when the interaction has no session yet. */
  sessionMatches: boolean | null;
}

/**
 * The interaction named by the id and nonce of an interaction URL, with its grant, in one query. Both parts of the
 * URL must match: the id alone is not a capability.
 */
export async function findInteraction(
  db: Knex,
  id: string,
  nonce: string,
  options: { sessionHash?: Buffer; forUpdate?: boolean } = {},
): Promise<InteractionWithGrant | undefined> {
  const query = db('auth_interactions as i')
    .join('auth_grants as g', 'g.id', 'i.grant_id')
    .select(GRANT_COLUMNS.map((column) => `g.${column}`))
    .select({
      interaction_id: 'i.id',
      interaction_nonce: 'i.nonce',
      interaction_ref: 'i.ref',
      interaction_state: 'i.state',
      interaction_expires_at: 'i.expires_at',
    })
    .select(db.raw('(i.session_hash = ?) AS session_matches', [options.sessionHash ?? Buffer.alloc(0)]))
    .where({ 'i.id': id, 'i.nonce': nonce })
    .first();
  if (options.forUpdate) query.forUpdate();
  const row = (await query) as (InteractionRow & Parameters<typeof grantFromRow>[0]) | undefined;
  if (row === undefined) return undefined;
  const grant = grantFromRow(row);
  return {
    grant,
    interaction: {
      id: row.interaction_id,
      nonce: row.interaction_nonce,
      grantId: grant.id,
      ref: row.interaction_ref,
      state: row.interaction_state,
      expiresAt: new Date(row.interaction_expires_at),
    },
    sessionMatches: options.sessionHash === undefined ? null : row.session_matches,
  };
}

export async function setInteractionSession(db: Knex, id: string, sessionHash: Buffer | null): Promise<void> {
  await db('auth_interactions').where({ id }).update({ session_hash: sessionHash });
}

export async function setInteractionState(db: Knex, id: string, state: InteractionState): Promise<void> {
  await db('auth_interactions').where({ id }).update({ state });
}

/** The interaction reference of a grant's interaction (undefined for grants that had none). */
export async function findInteractionRef(db: Knex, grantId: string): Promise<string | undefined> {
  const row = (await db('auth_interactions').where({ grant_id: grantId }).first('ref')) as { ref: string } | undefined;
  return row?.ref;
}
