// @ts-check
// A peer that asked to be peered (auto-peering) named its own endpoint: when private networks are off limits, every
// connection to it must reach a public address, whatever its name resolves to by then (DNS rebinding), not only the
// address it resolved to when it asked.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.alterTable('connector_peers', (table) => {
    table.boolean('outgoing_public_only').notNullable().defaultTo(false);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.alterTable('connector_peers', (table) => {
    table.dropColumn('outgoing_public_only');
  });
};
