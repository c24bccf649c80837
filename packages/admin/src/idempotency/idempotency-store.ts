// Idempotency records of admin mutations (table admin_idempotency_keys). A request claims its key before the
// mutation runs; the claim is completed with the result, or released when the mutation fails (errors are not
// remembered, as in Rafiki, so a corrected retry can succeed). A claim whose process died is taken over after its
// lease, so a key never stays blocked.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

export type Claim =
  | { kind: 'claimed'; claimId: string }
  | { kind: 'replay'; result: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

export interface IdempotencyStoreOptions {
  knex: Knex;
  /** How long a completed key is remembered (Rafiki: 24 h). */
  ttlMs?: number;
  /** How long a claim may stay pending before another request may take it over. */
  claimLeaseMs?: number;
  /** How often claims also delete every expired record (default once a minute). */
  purgeIntervalMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

interface KeyRow {
  operation: string;
  request_hash: string;
  state: 'pending' | 'done';
  result: unknown;
}

export function createIdempotencyStore(options: IdempotencyStoreOptions) {
  const { knex } = options;
  const ttlMs = options.ttlMs ?? DAY_MS;
  const claimLeaseMs = options.claimLeaseMs ?? 60_000;
  const table = () => knex('admin_idempotency_keys');
  const msFromNow = (ms: number) => knex.raw(`now() + ? * interval '1 millisecond'`, [ms]);
  const purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
  let lastPurge = 0;

  /** Deletes records past their lifetime; returns how many. */
  const purgeExpired = (): Promise<number> => table().where('expires_at', '<=', knex.fn.now()).delete();

  return {
    async claim(key: string, operation: string, requestHash: string): Promise<Claim> {
      if (Date.now() - lastPurge > purgeIntervalMs) {
        lastPurge = Date.now();
        await purgeExpired();
      }
      // A few rounds at most: a row can vanish between the insert and the read (released or expired meanwhile).
      for (let attempt = 0; attempt < 3; attempt++) {
        // Records past their lifetime, and claims whose request died, make room for this request.
        await table()
          .where('key', key)
          .andWhere((query) =>
            query
              .where('expires_at', '<=', knex.fn.now())
              .orWhere((pending) => pending.where('state', 'pending').where('claim_expires_at', '<=', knex.fn.now())),
          )
          .delete();
        const claimId = randomUUID();
        const inserted = await table()
          .insert({
            key,
            operation,
            request_hash: requestHash,
            state: 'pending',
            claim_id: claimId,
            claim_expires_at: msFromNow(claimLeaseMs),
            expires_at: msFromNow(ttlMs),
          })
          .onConflict('key')
          .ignore()
          .returning('key');
        if (inserted.length > 0) return { kind: 'claimed', claimId };
        const row = (await table().where('key', key).first('operation', 'request_hash', 'state', 'result')) as
          KeyRow | undefined;
        if (!row) continue;
        if (row.operation !== operation || row.request_hash !== requestHash) return { kind: 'mismatch' };
        if (row.state === 'pending') return { kind: 'in_progress' };
        return { kind: 'replay', result: row.result };
      }
      return { kind: 'in_progress' };
    },

    async complete(key: string, claimId: string, result: unknown): Promise<void> {
      await table()
        .where({ key, claim_id: claimId, state: 'pending' })
        .update({ state: 'done', result: JSON.stringify(result) });
    },

    async release(key: string, claimId: string): Promise<void> {
      await table().where({ key, claim_id: claimId, state: 'pending' }).delete();
    },

    purgeExpired,
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
