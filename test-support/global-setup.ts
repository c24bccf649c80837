import { ensureTemplateDatabase, PostgresUnreachableError, TEST_DATABASE_URL, usePglite } from './test-database';

/**
 * Runs once per jest run: builds the migrated template every test database is copied from. On a developer's machine
 * without a PostgreSQL server (and no TEST_DATABASE_URL given), the run switches to the embedded database, saying so,
 * so that `npm test` works with nothing but Node.js; in CI (CI set) an unreachable server fails the run instead.
 */
export default async function globalSetup(): Promise<void> {
  if (usePglite) return;
  try {
    await ensureTemplateDatabase();
  } catch (error) {
    if (!(error instanceof PostgresUnreachableError) || process.env.CI || process.env.TEST_DATABASE_URL) throw error;
    console.warn(
      `\nNo PostgreSQL server at ${TEST_DATABASE_URL}: running the tests on the embedded database (PGlite) instead.\n` +
        `${error.message}\n`,
    );
    // Test workers start after this and inherit the environment.
    process.env.TEST_DB = 'pglite';
  }
}
