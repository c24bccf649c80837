// @ts-check
// Rafiki's deleteAsset is a soft delete: the row stays (ledger accounts, fees and old quotes refer to it), hidden
// from every read, and creating the same code and scale again brings it back under its old id.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.alterTable('connector_assets', (table) => {
    table.timestamp('deleted_at', { useTz: true });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.alterTable('connector_assets', (table) => {
    table.dropColumn('deleted_at');
  });
};
