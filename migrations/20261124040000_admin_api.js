// @ts-check
// Admin GraphQL API (packages/admin): idempotency records of mutations and the request signatures already used.
// Both live in the database, not in process memory, so several admin processes on one database agree on them.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  // One row per idempotencyKey. A row is claimed ('pending') before the mutation runs and completed ('done') with
  // the mutation's result, so a retry with the same key and input gets the first result and changes nothing again.
  await knex.schema.createTable('admin_idempotency_keys', (table) => {
    table.text('key').primary();
    // The mutation's field name (e.g. createWalletAddress) and a SHA-256 of its canonical arguments.
    table.text('operation').notNullable();
    table.text('request_hash').notNullable();
    table.text('state').notNullable();
    // Random per claim: only the request that claimed a row may complete or release it.
    table.uuid('claim_id').notNullable();
    // The GraphQL result of the mutation field, as JSON (amounts are already decimal strings).
    table.jsonb('result');
    // A pending claim older than this was abandoned (its process died mid-request) and may be taken over.
    table.timestamp('claim_expires_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "ALTER TABLE admin_idempotency_keys ADD CONSTRAINT admin_idempotency_keys_state CHECK (state IN ('pending', 'done'))",
  );
  await knex.raw('CREATE INDEX admin_idempotency_keys_expires_at ON admin_idempotency_keys (expires_at)');

  // Digests of accepted request signatures, kept until their timestamp can no longer pass the freshness check:
  // a signature is accepted once.
  await knex.schema.createTable('admin_api_signatures', (table) => {
    table.text('digest').primary();
    table.timestamp('expires_at', { useTz: true }).notNullable();
  });
  await knex.raw('CREATE INDEX admin_api_signatures_expires_at ON admin_api_signatures (expires_at)');
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('admin_api_signatures');
  await knex.schema.dropTable('admin_idempotency_keys');
};
