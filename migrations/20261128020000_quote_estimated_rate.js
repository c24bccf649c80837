// @ts-check
// Rafiki's Quote.estimatedExchangeRate: the rate the quote's probe found (receive units per debit unit, before the
// slippage the payment may lose), exact as numerator / denominator. Quotes made before have none.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.alterTable('quotes', (table) => {
    table.text('estimated_rate_numerator');
    table.text('estimated_rate_denominator');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.alterTable('quotes', (table) => {
    table.dropColumn('estimated_rate_numerator');
    table.dropColumn('estimated_rate_denominator');
  });
};
