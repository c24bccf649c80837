import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type SluiceConfig } from '../packages/server/src/config';
import { startSluice, type SluiceInstance } from '../packages/server/src/sluice';
import { createTestDatabase, usePglite, type TestDatabase } from './test-database';

/** A configuration on free ports, a fresh data dir and silent logs, with `overrides` applied on top. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): SluiceConfig {
  const ports = {
    OPEN_PAYMENTS_PORT: '0',
    ADMIN_PORT: '0',
    CONNECTOR_PORT: '0',
    AUTH_PORT: '0',
    AUTH_INTROSPECTION_PORT: '0',
    AUTH_INTERACTION_PORT: '0',
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-test-'));
  return loadConfig({ ...ports, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, ...overrides });
}

/** Starts a whole Sluice on its own database; `stop()` stops it and drops the database. */
export async function startTestSluice(overrides: Record<string, string> = {}): Promise<SluiceInstance> {
  // With TEST_DB=pglite the instance opens its own in-memory database.
  const testDatabase: TestDatabase | undefined = usePglite ? undefined : await createTestDatabase();
  if (testDatabase) await testDatabase.database.close();
  const sluice = await startSluice(testConfig(testDatabase?.url ?? 'pglite://memory', overrides));
  return {
    ...sluice,
    stop: async () => {
      await sluice.stop();
      await testDatabase?.drop();
    },
  };
}
