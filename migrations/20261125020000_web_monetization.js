// @ts-check
// Web Monetization (money paid to a wallet address over SPSP, outside any incoming payment), as Rafiki announces it:
// what each wallet address received that way and what wallet_address.web_monetization events have announced, as
// running totals, and when the next announcement is due. In webhook funding mode that money is kept in a ledger
// account of its own (kind web_monetization), which is what a wallet address withdrawal takes.

const KINDS_BEFORE = `'settlement', 'liquidity', 'peer', 'wallet_address', 'incoming_payment', 'outgoing_payment', 'other'`;

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('web_monetization_totals', (table) => {
    table.uuid('wallet_address_id').primary().references('wallet_addresses.id').onDelete('CASCADE');
    table.specificType('received', 'numeric').notNullable().defaultTo(0);
    table.specificType('announced', 'numeric').notNullable().defaultTo(0);
    table.timestamp('due_at', { useTz: true });
  });
  await knex.raw(`ALTER TABLE web_monetization_totals
    ADD CONSTRAINT web_monetization_totals_announced CHECK (announced >= 0 AND announced <= received)`);
  await knex.raw(
    `CREATE INDEX web_monetization_totals_due ON web_monetization_totals (due_at) WHERE due_at IS NOT NULL`,
  );
  await knex.raw(`ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind,
    ADD CONSTRAINT ledger_accounts_kind CHECK (kind IN (${KINDS_BEFORE}, 'web_monetization'))`);
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.raw(`ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind,
    ADD CONSTRAINT ledger_accounts_kind CHECK (kind IN (${KINDS_BEFORE}))`);
  await knex.schema.dropTable('web_monetization_totals');
};
