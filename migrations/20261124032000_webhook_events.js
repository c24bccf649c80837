// @ts-check
// Webhook outbox and event log: each event is written in the transaction of the change it announces, then delivered
// to WEBHOOK_URL with retries. Delivered events stay as the operator's event log.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('webhook_events', (table) => {
    table.uuid('id').primary();
    table.text('type').notNullable();
    table.jsonb('data').notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.integer('status_code');
    table.text('last_error');
    table.timestamp('next_attempt_at', { useTz: true }).defaultTo(knex.fn.now());
    table.timestamp('delivered_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['type', 'created_at']);
  });
  // Delivery picks due, undelivered events.
  await knex.raw(
    'CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at) WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL',
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('webhook_events');
};
