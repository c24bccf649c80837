// @ts-check
// GNAP authorization server (packages/auth): grants, their interactions and their access tokens. Only the auth
// service reads or writes these tables; the resource server learns about tokens through introspection alone.
// Secrets handed to clients (continuation tokens, access tokens, interaction session cookies) are stored as their
// SHA-256 only, so a leaked database does not leak usable credentials.

/** @param {import('knex').Knex} knex */
exports.up = async (knex) => {
  await knex.schema.createTable('auth_grants', (table) => {
    table.uuid('id').primary();
    // pending: waiting for the resource owner; approved: consented, token not yet issued; rejected: denied;
    // issued: access token(s) issued (or subject returned); revoked: cancelled by the client or revoked.
    table.text('state').notNullable();
    // The granted access items exactly as returned to the client (Open Payments shape), so introspection reads one row.
    table.jsonb('access').notNullable();
    // The requested subject ({ sub_ids }) when the client asked to confirm who the resource owner is.
    table.jsonb('subject');
    // Exactly one of: the client's wallet address URL (keys at <url>/jwks.json) or a directed-identity JWK.
    table.text('client_wallet_address');
    table.jsonb('client_jwk');
    // What the consent screens show; read from the client's wallet address document at request time.
    table.text('client_name');
    table.text('continue_id').notNullable().unique();
    table.binary('continue_token_hash').notNullable();
    // interact.finish of the request: where to send the user back and the client's nonce for the finish hash.
    table.text('finish_uri');
    table.text('client_nonce');
    table.timestamp('last_continued_at', { useTz: true }).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE auth_grants ADD CONSTRAINT auth_grants_state
    CHECK (state IN ('pending', 'approved', 'rejected', 'issued', 'revoked'))`);
  await knex.raw(`ALTER TABLE auth_grants ADD CONSTRAINT auth_grants_one_client
    CHECK ((client_wallet_address IS NULL) <> (client_jwk IS NULL))`);
  await knex.raw(`ALTER TABLE auth_grants ADD CONSTRAINT auth_grants_finish
    CHECK ((finish_uri IS NULL) = (client_nonce IS NULL))`);

  await knex.schema.createTable('auth_interactions', (table) => {
    // Random, unguessable: the id and the AS nonce both appear in the redirect URL given to the client.
    table.text('id').primary();
    table.text('nonce').notNullable();
    table.uuid('grant_id').notNullable().unique().references('id').inTable('auth_grants').onDelete('CASCADE');
    // The interaction reference released to the client by the finish redirect, single use through the grant state.
    table.text('ref').notNullable().unique();
    table.text('state').notNullable();
    // SHA-256 of the session cookie set when the user started the interaction; finish requires the same browser.
    table.binary('session_hash');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE auth_interactions ADD CONSTRAINT auth_interactions_state
    CHECK (state IN ('pending', 'approved', 'rejected'))`);

  await knex.schema.createTable('auth_access_tokens', (table) => {
    table.uuid('id').primary();
    table.uuid('grant_id').notNullable().references('id').inTable('auth_grants').onDelete('CASCADE');
    // Introspection looks tokens up by this hash (unique index), joined to their grant by primary key.
    table.binary('value_hash').notNullable().unique();
    // The random id in the token's management URL; it never contains the token value.
    table.text('manage_id').notNullable().unique();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('revoked_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['grant_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async (knex) => {
  await knex.schema.dropTable('auth_access_tokens');
  await knex.schema.dropTable('auth_interactions');
  await knex.schema.dropTable('auth_grants');
};
