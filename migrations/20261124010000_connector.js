// @ts-check
// The ILPv4 connector (packages/connector): assets, peers and the double-entry ledger.
//
// Money: every amount and balance is numeric(20,0). ILP amounts are UInt64 (0..2^64-1 = 18446744073709551615, twenty
// digits), which does not fit PostgreSQL bigint (max 2^63-1); numeric(20,0) holds every UInt64 exactly and, signed,
// every balance in -(2^64-1)..2^64-1 (range checks below). The application reads numeric as a decimal string and
// converts it to a JS bigint; no amount ever passes through a float.
//
// Balances: one row per ledger account (ledger_accounts.balance = credits - debits, posted) updated in place, and
// an append-only journal (ledger_journal) of every posted movement for audit; a balance is never computed by summing
// the journal. Amounts held by unresolved two-phase transfers are in debits_pending / credits_pending, and the
// account's limits are CHECK constraints on the row itself, so no code path (nor a second connector instance on the
// same database) can move a balance past its limit.

const UINT64_MAX = '18446744073709551615';

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('connector_assets', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.text('code').notNullable();
    table.smallint('scale').notNullable();
    table.specificType('withdrawal_threshold', 'numeric(20,0)');
    table.specificType('liquidity_threshold', 'numeric(20,0)');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['code', 'scale']);
  });
  await knex.raw(`ALTER TABLE connector_assets
    ADD CONSTRAINT connector_assets_scale CHECK (scale BETWEEN 0 AND 255),
    ADD CONSTRAINT connector_assets_withdrawal_threshold CHECK (withdrawal_threshold BETWEEN 0 AND ${UINT64_MAX}),
    ADD CONSTRAINT connector_assets_liquidity_threshold CHECK (liquidity_threshold BETWEEN 0 AND ${UINT64_MAX})`);
  await knex.raw('CREATE INDEX connector_assets_created_at ON connector_assets (created_at, id)');

  await knex.schema.createTable('connector_peers', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('asset_id').notNullable().references('id').inTable('connector_assets');
    table.text('static_ilp_address').notNullable();
    table.text('name');
    table.specificType('max_packet_amount', 'numeric(20,0)');
    table.specificType('liquidity_threshold', 'numeric(20,0)');
    table.text('outgoing_auth_token').notNullable();
    table.text('outgoing_endpoint').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['static_ilp_address', 'asset_id']);
  });
  await knex.raw(`ALTER TABLE connector_peers
    ADD CONSTRAINT connector_peers_max_packet_amount CHECK (max_packet_amount BETWEEN 0 AND ${UINT64_MAX}),
    ADD CONSTRAINT connector_peers_liquidity_threshold CHECK (liquidity_threshold BETWEEN 0 AND ${UINT64_MAX})`);
  await knex.raw('CREATE INDEX connector_peers_created_at ON connector_peers (created_at, id)');

  // Incoming bearer tokens are stored as SHA-256 digests: the database never holds a usable credential. A token
  // selects exactly one peer, hence the primary key on the digest.
  await knex.schema.createTable('connector_peer_incoming_tokens', (table) => {
    table.binary('token_hash').primary();
    table.uuid('peer_id').notNullable().references('id').inTable('connector_peers').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['peer_id']);
  });

  await knex.schema.createTable('ledger_accounts', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('asset_id').notNullable().references('id').inTable('connector_assets');
    table.text('kind').notNullable();
    table.text('owner_id');
    table.specificType('balance', 'numeric(20,0)').notNullable().defaultTo(0);
    table.specificType('debits_pending', 'numeric(20,0)').notNullable().defaultTo(0);
    table.specificType('credits_pending', 'numeric(20,0)').notNullable().defaultTo(0);
    // NULL = no limit on that side.
    table.specificType('min_balance', 'numeric(20,0)');
    table.specificType('max_balance', 'numeric(20,0)');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE ledger_accounts
    ADD CONSTRAINT ledger_accounts_kind CHECK (kind IN
      ('settlement', 'liquidity', 'peer', 'wallet_address', 'incoming_payment', 'outgoing_payment', 'other')),
    ADD CONSTRAINT ledger_accounts_balance_range CHECK (balance BETWEEN -${UINT64_MAX} AND ${UINT64_MAX}),
    ADD CONSTRAINT ledger_accounts_debits_pending_range CHECK (debits_pending BETWEEN 0 AND ${UINT64_MAX}),
    ADD CONSTRAINT ledger_accounts_credits_pending_range CHECK (credits_pending BETWEEN 0 AND ${UINT64_MAX}),
    ADD CONSTRAINT ledger_accounts_min_balance CHECK (min_balance IS NULL OR balance - debits_pending >= min_balance),
    ADD CONSTRAINT ledger_accounts_max_balance CHECK (max_balance IS NULL OR balance + credits_pending <= max_balance)`);
  // One settlement and one liquidity account per asset; one account per (kind, owner).
  await knex.raw(`CREATE UNIQUE INDEX ledger_accounts_asset_account ON ledger_accounts (asset_id, kind)
    WHERE kind IN ('settlement', 'liquidity')`);
  await knex.raw(`CREATE UNIQUE INDEX ledger_accounts_owner ON ledger_accounts (kind, owner_id)
    WHERE owner_id IS NOT NULL`);

  // Deposits, withdrawals and transfers made through the API, keyed by the caller's idempotency id. Packet transfers
  // are not here: they are held in bulk (ledger_instance_holds) and journaled when posted.
  await knex.schema.createTable('ledger_transfers', (table) => {
    table.uuid('id').primary();
    table.text('kind').notNullable();
    table.uuid('debit_account_id').notNullable().references('id').inTable('ledger_accounts');
    table.uuid('credit_account_id').notNullable().references('id').inTable('ledger_accounts');
    table.specificType('amount', 'numeric(20,0)').notNullable();
    table.text('state').notNullable();
    table.timestamp('expires_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('resolved_at', { useTz: true });
  });
  await knex.raw(`ALTER TABLE ledger_transfers
    ADD CONSTRAINT ledger_transfers_kind CHECK (kind IN ('deposit', 'withdrawal', 'transfer')),
    ADD CONSTRAINT ledger_transfers_state CHECK (state IN ('pending', 'posted', 'voided')),
    ADD CONSTRAINT ledger_transfers_amount CHECK (amount BETWEEN 1 AND ${UINT64_MAX}),
    ADD CONSTRAINT ledger_transfers_distinct_accounts CHECK (debit_account_id <> credit_account_id)`);
  await knex.raw(`CREATE INDEX ledger_transfers_pending_expiry ON ledger_transfers (expires_at)
    WHERE state = 'pending' AND expires_at IS NOT NULL`);

  // Append-only record of posted movements. No foreign keys: rows are written in bulk by the group commit, the
  // accounts are locked by that same transaction and are never deleted.
  await knex.schema.createTable('ledger_journal', (table) => {
    table.bigIncrements('id').primary();
    table.uuid('transfer_id').notNullable();
    table.smallint('leg').notNullable();
    table.text('kind').notNullable();
    table.uuid('debit_account_id').notNullable();
    table.uuid('credit_account_id').notNullable();
    table.specificType('amount', 'numeric(20,0)').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // A transfer's leg is journaled exactly once.
    table.unique(['transfer_id', 'leg']);
  });
  await knex.raw(`ALTER TABLE ledger_journal
    ADD CONSTRAINT ledger_journal_amount CHECK (amount BETWEEN 1 AND ${UINT64_MAX}),
    ADD CONSTRAINT ledger_journal_kind CHECK (kind IN ('packet', 'deposit', 'withdrawal', 'transfer'))`);

  // Connector processes holding packet amounts (debits_pending / credits_pending) on accounts. Each one keeps the
  // sum of its open holds per account in ledger_instance_holds and beats its heartbeat; the holds of a process that
  // stopped beating are given back, so a crash never leaves liquidity stuck.
  await knex.schema.createTable('ledger_instances', (table) => {
    table.uuid('id').primary();
    table.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('heartbeat_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('ledger_instance_holds', (table) => {
    table.uuid('instance_id').notNullable().references('id').inTable('ledger_instances').onDelete('CASCADE');
    table.uuid('account_id').notNullable().references('id').inTable('ledger_accounts');
    table.specificType('debits_pending', 'numeric(20,0)').notNullable().defaultTo(0);
    table.specificType('credits_pending', 'numeric(20,0)').notNullable().defaultTo(0);
    table.primary(['instance_id', 'account_id']);
  });
  // No range CHECK here: the group commit adds signed deltas with INSERT … ON CONFLICT DO UPDATE, and PostgreSQL
  // checks constraints on the proposed (delta) row before resolving the conflict. The limits that matter are on
  // ledger_accounts; verifyLedger() checks these sums against the accounts' pending columns.
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('ledger_instance_holds');
  await knex.schema.dropTable('ledger_instances');
  await knex.schema.dropTable('ledger_journal');
  await knex.schema.dropTable('ledger_transfers');
  await knex.schema.dropTable('ledger_accounts');
  await knex.schema.dropTable('connector_peer_incoming_tokens');
  await knex.schema.dropTable('connector_peers');
  await knex.schema.dropTable('connector_assets');
};
