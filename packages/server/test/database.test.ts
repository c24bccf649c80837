import { randomBytes } from 'node:crypto';
import { migrateDatabase, openDatabase, type Database } from '@sluice/server';
import pg from 'pg';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usePglite } from '../../../test-support';
import { databaseUrlFor, openAdminConnection } from '../../../test-support/test-database';

// Several service processes migrating one PostgreSQL database at once is a PostgreSQL-server scenario; PGlite is
// single-process by design.
const onPostgres = usePglite ? it.skip : it;

describe('migrateDatabase', () => {
  onPostgres('lets several processes migrate one fresh database at once', async () => {
    const name = `sluice_test_migrate_${randomBytes(4).toString('hex')}`;
    const admin = await openAdminConnection();
    await admin.knex.raw(`CREATE DATABASE "${name}"`);
    const databases = await Promise.all([1, 2, 3].map(() => openDatabase(databaseUrlFor(name), { poolSize: 2 })));
    try {
      const applied = await Promise.all(
        databases.map((database) => migrateDatabase(database.knex, { retryDelayMs: 50 })),
      );
      // Exactly one of them applied the migrations; the others found them done.
      expect(applied.filter((list) => list.length > 0)).toHaveLength(1);
      const tables = await databases[0].knex.raw(
        "SELECT 1 FROM information_schema.tables WHERE table_name = 'sluice_instance'",
      );
      expect(tables.rows).toHaveLength(1);
    } finally {
      await Promise.all(databases.map((database) => database.close()));
      await admin.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.close();
    }
  });

  it('fails at once when a migration itself fails, instead of waiting as if another process were migrating', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sluice-migrations-'));
    writeFileSync(
      join(directory, '20990101000000_twice.js'),
      `exports.up = async (knex) => { await knex.raw('CREATE TABLE twice (id int)'); await knex.raw('CREATE TABLE twice (id int)'); };
exports.down = async () => {};`,
    );
    // A database without any migration (a fresh in-memory PGlite, or a new empty PostgreSQL database).
    const name = `sluice_test_migrate_${randomBytes(4).toString('hex')}`;
    const admin = usePglite ? undefined : await openAdminConnection();
    await admin?.knex.raw(`CREATE DATABASE "${name}"`);
    const database = await openDatabase(usePglite ? 'pglite://memory' : databaseUrlFor(name));
    try {
      // A retry would wait a minute and outlive the test's timeout.
      await expect(migrateDatabase(database.knex, { directory, retryDelayMs: 60_000 })).rejects.toMatchObject({
        code: '42P07',
      });
    } finally {
      await database.close();
      await admin?.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin?.close();
    }
  }, 20_000);

  it('gives bigint columns back as JS bigint', async () => {
    const database = await openDatabase('pglite://memory');
    try {
      const result = await database.knex.raw(
        'SELECT 18446744073709551615::numeric AS big, 9223372036854775807::int8 AS max',
      );
      expect(result.rows[0].max).toBe(9223372036854775807n);
      expect(String(result.rows[0].big)).toBe('18446744073709551615');
    } finally {
      await database.close();
    }
  });
});

describe('openDatabase on a PostgreSQL server', () => {
  onPostgres('prepares the statements it runs again, and only data statements', async () => {
    const name = `sluice_test_prepare_${randomBytes(4).toString('hex')}`;
    const admin = await openAdminConnection();
    await admin.knex.raw(`CREATE DATABASE "${name}"`);
    // One connection, so every statement below runs on the session whose prepared statements are listed.
    const database = await openDatabase(databaseUrlFor(name), { poolSize: 1 });
    try {
      const prepared = async () =>
        (
          (await database.knex.raw('SELECT statement FROM pg_prepared_statements ORDER BY prepare_time')).rows as {
            statement: string;
          }[]
        )
          .map((row) => row.statement)
          .filter((statement) => !statement.includes('pg_prepared_statements'));
      await database.knex.raw('CREATE TABLE notes (id int PRIMARY KEY, text text)');
      await database.knex.raw('INSERT INTO notes VALUES (?, ?)', [1, 'once']);
      expect(await prepared()).toEqual([]);
      for (const id of [2, 3, 4]) await database.knex('notes').insert({ id, text: 'again' });
      const rows = await database.knex('notes').where('id', '>', 1).orderBy('id');
      expect(rows.map((row: { id: number }) => row.id)).toEqual([2, 3, 4]);
      // Seen once: not worth preparing. Seen again: prepared on that connection, and answers stay the same.
      expect(await prepared()).toEqual(['insert into "notes" ("id", "text") values ($1, $2)']);
      await database.knex('notes').where('id', '>', 2).orderBy('id');
      expect(await prepared()).toContain('select * from "notes" where "id" > $1 order by "id" asc');
      expect(await prepared()).not.toContain('CREATE TABLE notes (id int PRIMARY KEY, text text)');
      // A migration adds a column under the prepared `select *` (a rolling upgrade): the statement still answers, with
      // the new column, and is prepared again under a new name.
      await database.knex.raw('ALTER TABLE notes ADD COLUMN extra text');
      const after = await database.knex('notes').where('id', '>', 2).orderBy('id');
      expect(after).toEqual([
        { id: 3, text: 'again', extra: null },
        { id: 4, text: 'again', extra: null },
      ]);
      await database.knex('notes').where('id', '>', 2).orderBy('id');
      await database.knex('notes').where('id', '>', 2).orderBy('id');
      expect(
        (await prepared()).filter(
          (statement) => statement === 'select * from "notes" where "id" > $1 order by "id" asc',
        ),
      ).toHaveLength(2);
    } finally {
      await database.close();
      await admin.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.close();
    }
  });
});

describe('planner settings of a Sluice session', () => {
  const setting = async (database: Database) =>
    ((await database.knex.raw('SHOW random_page_cost')) as { rows: { random_page_cost: string }[] }).rows[0]
      .random_page_cost;

  /** The plan a prepared lookup of a few ids settles on after its first executions: one plan for any array. */
  async function genericLookupPlan(query: (sql: string) => Promise<{ rows: object[] }>): Promise<string> {
    await query('SET plan_cache_mode = force_generic_plan');
    await query('PREPARE lookup(uuid[]) AS SELECT id, balance FROM accounts WHERE id = ANY($1) FOR UPDATE');
    const { rows } = await query('EXPLAIN EXECUTE lookup(ARRAY[gen_random_uuid(), gen_random_uuid()])');
    await query('DEALLOCATE lookup');
    await query('RESET plan_cache_mode');
    return rows.map((row) => Object.values(row)[0] as string).join('\n');
  }

  onPostgres('probes the index for a few ids in a table of a thousand rows, even with a generic plan', async () => {
    const name = `sluice_test_planner_${randomBytes(4).toString('hex')}`;
    const admin = await openAdminConnection();
    await admin.knex.raw(`CREATE DATABASE "${name}"`);
    const database = await openDatabase(databaseUrlFor(name), { poolSize: 1 });
    // A session with PostgreSQL's stock settings, as every session of Sluice's was before.
    const stock = new pg.Client({ connectionString: databaseUrlFor(name) });
    await stock.connect();
    try {
      expect(await setting(database)).toBe('1.1');
      expect((await stock.query('SHOW random_page_cost')).rows[0]).toEqual({ random_page_cost: '4' });
      await database.knex.raw(
        'CREATE TABLE accounts (id uuid PRIMARY KEY, asset_id uuid NOT NULL, balance numeric NOT NULL, note text)',
      );
      await database.knex.raw(
        `INSERT INTO accounts SELECT gen_random_uuid(), gen_random_uuid(), 0, repeat('x', 20)
           FROM generate_series(1, 1000)`,
      );
      await database.knex.raw('ANALYZE accounts');
      expect(await genericLookupPlan((sql) => stock.query(sql))).toMatch(/Seq Scan on accounts/);
      const connection = (await database.knex.client.acquireConnection()) as pg.Client;
      try {
        const plan = await genericLookupPlan((sql) => connection.query(sql));
        expect(plan).toMatch(/Index Scan (using|on) accounts_pkey/);
        expect(plan).not.toMatch(/Seq Scan/);
      } finally {
        await database.knex.client.releaseConnection(connection);
      }
    } finally {
      await stock.end();
      await database.close();
      await admin.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.close();
    }
  });

  onPostgres('keeps a value the operator set for the database', async () => {
    const name = `sluice_test_planner_${randomBytes(4).toString('hex')}`;
    const admin = await openAdminConnection();
    await admin.knex.raw(`CREATE DATABASE "${name}"`);
    await admin.knex.raw(`ALTER DATABASE "${name}" SET random_page_cost = 2`);
    const database = await openDatabase(databaseUrlFor(name), { poolSize: 1 });
    try {
      expect(await setting(database)).toBe('2');
    } finally {
      await database.close();
      await admin.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.close();
    }
  });

  it('sets it on the embedded database too', async () => {
    const database = await openDatabase('pglite://memory');
    try {
      expect(await setting(database)).toBe('1.1');
    } finally {
      await database.close();
    }
  });
});
