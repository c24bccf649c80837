// `npm run migrate`: applies pending migrations to the configured database and exits.
import { ConfigError, loadConfig } from './config';
import { migrateDatabase, openDatabase } from './database';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const database = await openDatabase(config.databaseUrl);
  try {
    const applied = await migrateDatabase(database.knex);
    console.log(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Invalid configuration: ${error.message}` : error);
  process.exit(1);
});
