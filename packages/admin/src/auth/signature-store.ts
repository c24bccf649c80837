// The signatures already accepted (table admin_api_signatures), shared by every admin process on the database.
import type { Knex } from 'knex';

export function createSignatureStore(deps: { knex: Knex; purgeIntervalMs?: number }) {
  const { knex } = deps;
  const purgeIntervalMs = deps.purgeIntervalMs ?? 60_000;
  let lastPurge = 0;

  return {
    /** Records `digest`; false when it is already there (the request is a replay). */
    async remember(digest: string, expiresAt: Date): Promise<boolean> {
      if (Date.now() - lastPurge > purgeIntervalMs) {
        lastPurge = Date.now();
        // Expiry is compared on this process's clock, the clock the freshness check uses.
        await knex('admin_api_signatures').where('expires_at', '<', new Date()).delete();
      }
      const inserted = await knex('admin_api_signatures')
        .insert({ digest, expires_at: expiresAt })
        .onConflict('digest')
        .ignore()
        .returning('digest');
      return inserted.length > 0;
    },
  };
}
