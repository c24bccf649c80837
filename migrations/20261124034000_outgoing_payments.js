// @ts-check
// Outgoing payments and what their grants have spent. Payments are claimed by workers with a lease (never a row
// lock held across network I/O), so several instances can execute them side by side and a crashed worker's payment
// is picked up again once its lease runs out.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('outgoing_payments', (table) => {
    table.uuid('id').primary();
    table.uuid('wallet_address_id').notNullable().references('id').inTable('wallet_addresses');
    table.text('client');
    table.uuid('grant_id');
    table.uuid('quote_id').notNullable().unique().references('id').inTable('quotes');
    table.text('state').notNullable();
    table.text('error');
    table.specificType('sent_amount', 'numeric(20,0)').notNullable().defaultTo(0);
    // What the receiver got, as the STREAM receiver reported it.
    table.specificType('delivered_amount', 'numeric(20,0)').notNullable().defaultTo(0);
    // The ledger account holding the payment's money while it is sent.
    table.uuid('ledger_account_id');
    table.jsonb('metadata');
    table.text('lease_owner');
    table.timestamp('lease_expires_at', { useTz: true });
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('next_attempt_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['wallet_address_id', 'created_at', 'id']);
    table.index(['grant_id']);
  });
  await knex.raw(`ALTER TABLE outgoing_payments ADD CONSTRAINT outgoing_payments_state
    CHECK (state IN ('FUNDING', 'SENDING', 'COMPLETED', 'FAILED', 'CANCELLED'))`);
  await knex.raw("CREATE INDEX outgoing_payments_due ON outgoing_payments (next_attempt_at) WHERE state = 'SENDING'");

  // Running totals per grant and interval: creating a payment locks its row and adds to it, so concurrent payments
  // are serialized on the grant and can never together exceed its limits; nothing is summed from history.
  await knex.schema.createTable('grant_spends', (table) => {
    table.uuid('grant_id').notNullable();
    // Start of the grant interval the totals belong to ('-infinity' for a grant without an interval).
    table.timestamp('interval_start', { useTz: true }).notNullable();
    table.specificType('debit_spent', 'numeric(20,0)').notNullable().defaultTo(0);
    table.specificType('receive_spent', 'numeric(20,0)').notNullable().defaultTo(0);
    table.primary(['grant_id', 'interval_start']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('grant_spends');
  await knex.schema.dropTable('outgoing_payments');
};
