import { randomBytes } from 'node:crypto';
import { migrateDatabase, openDatabase } from '@sluice/server';
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
