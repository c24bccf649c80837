// @ts-check
// The last two of the ledger's hold rules as CHECK constraints, so the rows refuse every hold the code would refuse
// (balance-rules.ts `refuseHold`): what is held may not take an account's reach beyond the 64-bit range, whatever its
// limits. Packet batches rely on this when they are written in one statement without reading the accounts first.
const UINT64_MAX = '18446744073709551615';

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.raw(`ALTER TABLE ledger_accounts
    ADD CONSTRAINT ledger_accounts_debit_reach CHECK (balance - debits_pending >= -${UINT64_MAX}),
    ADD CONSTRAINT ledger_accounts_credit_reach CHECK (balance + credits_pending <= ${UINT64_MAX})`);
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.raw(`ALTER TABLE ledger_accounts
    DROP CONSTRAINT ledger_accounts_debit_reach,
    DROP CONSTRAINT ledger_accounts_credit_reach`);
};
