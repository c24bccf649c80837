// @ts-check
// Rafiki's card / point-of-sale flow: the operator approves or cancels an incoming payment (approveIncomingPayment,
// cancelIncomingPayment), and with POLL_INCOMING_PAYMENT_CREATED_WEBHOOK its creation waits for that decision.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.alterTable('incoming_payments', (table) => {
    table.timestamp('approved_at', { useTz: true });
    table.timestamp('cancelled_at', { useTz: true });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.alterTable('incoming_payments', (table) => {
    table.dropColumn('approved_at');
    table.dropColumn('cancelled_at');
  });
};
