// Gives each test file its own clean, migrated database.
// PostgreSQL (default): CREATE DATABASE … TEMPLATE <migrated template>, made once per migration set by global-setup.
// TEST_DB=pglite: an in-memory embedded PostgreSQL, migrated on the spot.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY, migrateDatabase, openDatabase, type Database } from '../packages/server/src/database';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const usePglite = process.env.TEST_DB === 'pglite';

export interface TestDatabase {
  /** A URL startSluice can open: the per-file PostgreSQL database, or `pglite://memory`. */
  url: string;
  knex: Knex;
  database: Database;
  /** Closes the connections and drops the database. */
  drop(): Promise<void>;
}

export const HOW_TO_START_POSTGRES =
  'start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ' +
  '(or set TEST_DATABASE_URL, or run the suite on the embedded database with TEST_DB=pglite)';

function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIRECTORY).sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_DIRECTORY, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export function templateDatabaseName(): string {
  return `sluice_template_${migrationsFingerprint()}`;
}

export function databaseUrlFor(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export class PostgresUnreachableError extends Error {
  constructor(cause: unknown) {
    super(
      `Cannot reach the test PostgreSQL server at ${TEST_DATABASE_URL} (${String(cause)}); ${HOW_TO_START_POSTGRES}`,
    );
    this.name = 'PostgresUnreachableError';
  }
}

/** A connection to the server's maintenance database, for CREATE/DROP DATABASE. */
export async function openAdminConnection(): Promise<Database> {
  try {
    return await openDatabase(TEST_DATABASE_URL, { poolSize: 1 });
  } catch (error) {
    throw new PostgresUnreachableError(error);
  }
}

/** Creates the migrated template if this migration set has none yet. Safe when several jest runs race. */
export async function ensureTemplateDatabase(): Promise<void> {
  const template = templateDatabaseName();
  const admin = await openAdminConnection();
  try {
    const exists = await admin.knex.raw('SELECT 1 FROM pg_database WHERE datname = ?', [template]);
    if (exists.rows.length > 0) return;
    const building = `${template}_building_${randomBytes(4).toString('hex')}`;
    await admin.knex.raw(`CREATE DATABASE "${building}"`);
    const database = await openDatabase(databaseUrlFor(building), { poolSize: 1 });
    try {
      await migrateDatabase(database.knex);
    } finally {
      await database.close();
    }
    try {
      await admin.knex.raw(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch {
      // Another run made the same template first; ours is surplus.
      await admin.knex.raw(`DROP DATABASE IF EXISTS "${building}"`);
    }
  } finally {
    await admin.close();
  }
}

async function createFromTemplate(admin: Database, name: string, template: string): Promise<void> {
  // CREATE DATABASE … TEMPLATE fails while another session copies the same template; such a clash is brief.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.knex.raw(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (error) {
      if (attempt >= 50 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (usePglite) {
    const database = await openDatabase('pglite://memory');
    await migrateDatabase(database.knex);
    return { url: 'pglite://memory', knex: database.knex, database, drop: () => database.close() };
  }
  const name = `sluice_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openAdminConnection();
  try {
    await createFromTemplate(admin, name, templateDatabaseName());
  } finally {
    await admin.close();
  }
  const url = databaseUrlFor(name);
  const database = await openDatabase(url);
  return {
    url,
    knex: database.knex,
    database,
    drop: async () => {
      await database.close();
      const dropper = await openAdminConnection();
      try {
        await dropper.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.close();
      }
    },
  };
}
