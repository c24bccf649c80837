import { ensureTemplateDatabase, usePglite } from './test-database';

/** Runs once per jest run: builds the migrated template every test database is copied from. */
export default async function globalSetup(): Promise<void> {
  if (usePglite) return;
  await ensureTemplateDatabase();
}
