export { createTestDatabase, usePglite, TEST_DATABASE_URL } from './test-database';
export type { TestDatabase } from './test-database';
export { testConfig, startTestSluice } from './test-sluice';
