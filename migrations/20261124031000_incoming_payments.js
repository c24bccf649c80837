// @ts-check
// Incoming payments: what a wallet address expects to receive. received_amount is a running total updated by each
// credited STREAM packet, so reading a payment never sums history.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('incoming_payments', (table) => {
    table.uuid('id').primary();
    table.uuid('wallet_address_id').notNullable().references('id').inTable('wallet_addresses');
    // Who created it (a client wallet address URL or jwk:<thumbprint>); null when the operator did.
    table.text('client');
    table.specificType('incoming_amount', 'numeric(20,0)');
    table.specificType('received_amount', 'numeric(20,0)').notNullable().defaultTo(0);
    table.text('state').notNullable().defaultTo('pending');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.jsonb('metadata');
    table.timestamp('completed_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['wallet_address_id', 'created_at', 'id']);
  });
  await knex.raw(`ALTER TABLE incoming_payments ADD CONSTRAINT incoming_payments_state
    CHECK (state IN ('pending', 'processing', 'completed', 'expired'))`);
  await knex.raw(`ALTER TABLE incoming_payments ADD CONSTRAINT incoming_payments_amounts
    CHECK (received_amount >= 0 AND received_amount <= 18446744073709551615
      AND (incoming_amount IS NULL OR (incoming_amount > 0 AND incoming_amount <= 18446744073709551615
        AND received_amount <= incoming_amount)))`);
  // The expiry sweep looks only at open payments.
  await knex.raw(
    "CREATE INDEX incoming_payments_open_expiry ON incoming_payments (expires_at) WHERE state IN ('pending', 'processing')",
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('incoming_payments');
};
