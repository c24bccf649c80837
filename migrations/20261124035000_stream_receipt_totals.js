// @ts-check
// STREAM receipts (RFC 0039) carry the running total a connection has received. Incoming payments keep that total
// themselves; SPSP connections that asked for receipts keep it here, one row per connection.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('stream_receipt_totals', (table) => {
    // The receiver's connection id: hex SHA-256 of the connection's destination address.
    table.text('connection_id').primary();
    table.specificType('total_received', 'numeric(20,0)').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('stream_receipt_totals');
};
