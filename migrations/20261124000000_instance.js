// @ts-check
// One row describing this database: its identity and when Sluice first started on it. Written at the first start
// (not here, so that databases copied from a migrated template get identities of their own).
// Naming across all migrations: snake_case tables and columns, money in numeric(20,0) or bigint as each table says.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('sluice_instance', (table) => {
    table.boolean('singleton').primary().defaultTo(true);
    table.uuid('id').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE sluice_instance ADD CONSTRAINT sluice_instance_singleton CHECK (singleton)');
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('sluice_instance');
};
