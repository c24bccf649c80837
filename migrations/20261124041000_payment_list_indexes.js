// @ts-check
// The admin API's top-level payment lists (`payments`, `outgoingPayments`) page by id, newest first (ids are UUIDv7,
// so id order is creation order). Unfiltered, the primary keys serve that order; filtered by wallet address, these
// indexes do, so a page reads only the rows it returns instead of every payment of the wallet address.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.alterTable('incoming_payments', (table) => {
    table.index(['wallet_address_id', 'id'], 'incoming_payments_wallet_address_id_id_index');
  });
  await knex.schema.alterTable('outgoing_payments', (table) => {
    table.index(['wallet_address_id', 'id'], 'outgoing_payments_wallet_address_id_id_index');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.alterTable('outgoing_payments', (table) => {
    table.dropIndex(['wallet_address_id', 'id'], 'outgoing_payments_wallet_address_id_id_index');
  });
  await knex.schema.alterTable('incoming_payments', (table) => {
    table.dropIndex(['wallet_address_id', 'id'], 'incoming_payments_wallet_address_id_id_index');
  });
};
