// @ts-check
// Sending fees per asset (fixed + basis points, Rafiki's setFee) and quotes: a locked price for paying a receiver
// from a wallet address, valid until expires_at.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('fees', (table) => {
    table.uuid('id').primary();
    table.uuid('asset_id').notNullable().references('id').inTable('connector_assets');
    table.text('type').notNullable();
    table.specificType('fixed_fee', 'numeric(20,0)').notNullable().defaultTo(0);
    table.integer('basis_point_fee').notNullable().defaultTo(0);
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['asset_id', 'type', 'created_at']);
  });
  await knex.raw(`ALTER TABLE fees ADD CONSTRAINT fees_type CHECK (type IN ('SENDING', 'RECEIVING')),
    ADD CONSTRAINT fees_fixed CHECK (fixed_fee BETWEEN 0 AND 18446744073709551615),
    ADD CONSTRAINT fees_basis_points CHECK (basis_point_fee BETWEEN 0 AND 10000)`);

  await knex.schema.createTable('quotes', (table) => {
    table.uuid('id').primary();
    table.uuid('wallet_address_id').notNullable().references('id').inTable('wallet_addresses');
    table.text('client');
    // The incoming payment URL being paid, and the STREAM credentials it gave.
    table.text('receiver').notNullable();
    table.text('ilp_address').notNullable();
    table.binary('shared_secret').notNullable();
    table.specificType('debit_amount', 'numeric(20,0)').notNullable();
    table.specificType('receive_amount', 'numeric(20,0)').notNullable();
    table.text('receive_asset_code').notNullable();
    table.smallint('receive_asset_scale').notNullable();
    // Part of debit_amount kept as our sending fee; the rest is what STREAM sends.
    table.specificType('fee_amount', 'numeric(20,0)').notNullable().defaultTo(0);
    // FIXED_SEND: send all of debit_amount − fee; FIXED_DELIVERY: stop once receive_amount has arrived.
    table.text('payment_type').notNullable();
    // Lowest acceptable delivered/sent rate for the payment, exact: numerator / denominator.
    table.text('min_rate_numerator').notNullable();
    table.text('min_rate_denominator').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['wallet_address_id', 'created_at', 'id']);
  });
  await knex.raw(
    `ALTER TABLE quotes ADD CONSTRAINT quotes_payment_type CHECK (payment_type IN ('FIXED_SEND', 'FIXED_DELIVERY'))`,
  );
  await knex.raw(`ALTER TABLE quotes ADD CONSTRAINT quotes_amounts CHECK (
    debit_amount BETWEEN 1 AND 18446744073709551615 AND receive_amount BETWEEN 1 AND 18446744073709551615
    AND fee_amount >= 0 AND fee_amount < debit_amount)`);
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('quotes');
  await knex.schema.dropTable('fees');
};
