// @ts-check
// Wallet addresses (the Open Payments identity of an account) and the client keys published in their jwks.json.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('wallet_addresses', (table) => {
    table.uuid('id').primary();
    // The full public URL, e.g. https://wallet.example/alice; what clients and grants name.
    table.text('url').notNullable().unique();
    table.uuid('asset_id').notNullable().references('id').inTable('connector_assets');
    table.text('public_name');
    table.text('status').notNullable().defaultTo('active');
    // The segment under the connector's ILP address that reaches this wallet address: <ILP_ADDRESS>.<segment>.
    table.text('ilp_segment').notNullable().unique();
    table.jsonb('additional_properties').notNullable().defaultTo('[]');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "ALTER TABLE wallet_addresses ADD CONSTRAINT wallet_addresses_status CHECK (status IN ('active', 'inactive'))",
  );
  await knex.schema.createTable('wallet_address_keys', (table) => {
    table.uuid('id').primary();
    table.uuid('wallet_address_id').notNullable().references('id').inTable('wallet_addresses').onDelete('CASCADE');
    table.text('kid').notNullable();
    table.jsonb('jwk').notNullable();
    table.boolean('revoked').notNullable().defaultTo(false);
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['wallet_address_id', 'kid']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('wallet_address_keys');
  await knex.schema.dropTable('wallet_addresses');
};
