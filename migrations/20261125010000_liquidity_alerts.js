// @ts-check
// Liquidity accounts (an asset's, a peer's) currently below their liquidity threshold and already announced
// (asset.liquidity_low / peer.liquidity_low): one announcement per dip, not one per check.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('connector_liquidity_alerts', (table) => {
    table.uuid('account_id').primary().references('ledger_accounts.id').onDelete('CASCADE');
    table.timestamp('alerted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('connector_liquidity_alerts');
};
