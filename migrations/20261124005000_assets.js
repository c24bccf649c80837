// @ts-check
// Assets (currency code + scale) that peers, wallet addresses and ledger accounts are denominated in. Shared by the
// connector, the resource server and the admin API, so it comes before their own tables.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('assets', (table) => {
    table.uuid('id').primary();
    table.text('code').notNullable();
    table.smallint('scale').notNullable();
    // Thresholds in the asset's smallest unit (UInt64), null = none: Rafiki's withdrawalThreshold / liquidityThreshold.
    table.specificType('withdrawal_threshold', 'numeric(20,0)');
    table.specificType('liquidity_threshold', 'numeric(20,0)');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['code', 'scale']);
  });
  await knex.raw(`ALTER TABLE assets ADD CONSTRAINT assets_scale CHECK (scale BETWEEN 0 AND 255)`);
  await knex.raw(`ALTER TABLE assets ADD CONSTRAINT assets_code CHECK (code ~ '^[A-Za-z0-9]{1,12}$')`);
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('assets');
};
