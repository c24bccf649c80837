import { randomBytes } from 'node:crypto';
import { migrateDatabase, openDatabase } from '@sluice/server';

const SERVER_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated PostgreSQL database for one benchmark; dispose() drops it. */
export async function createBenchDatabase(label: string): Promise<{ url: string; dispose(): Promise<void> }> {
  const name = `sluice_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase(SERVER_URL, { poolSize: 1 });
  await admin.knex.raw(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase(url.toString(), { poolSize: 1 });
  await migrateDatabase(database.knex);
  await database.close();
  return {
    url: url.toString(),
    async dispose() {
      await admin.knex.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.close();
    },
  };
}
