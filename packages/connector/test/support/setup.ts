// A connector on a test database with USD and EUR assets, for the integration tests.
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../../test-support';
import { createConnector, type Asset, type Connector, type ConnectorDeps } from '../../src';
import { silentLogger } from './logger';

export interface TestConnector {
  db: TestDatabase;
  connector: Connector;
  usd: Asset;
  eur: Asset;
  /** Stops the connector and drops the database. */
  close(): Promise<void>;
}

export async function startTestConnector(
  ilpAddress: string,
  overrides: Partial<ConnectorDeps> = {},
): Promise<TestConnector> {
  const db = await createTestDatabase();
  const connector = await createConnector({ knex: db.knex, logger: silentLogger, ilpAddress, ...overrides });
  const usd = await connector.createAsset({ code: 'USD', scale: 2 });
  const eur = await connector.createAsset({ code: 'EUR', scale: 2 });
  return {
    db,
    connector,
    usd,
    eur,
    async close() {
      await connector.stop();
      await db.drop();
    },
  };
}

/** A funded local account (e.g. an outgoing payment's) of `asset`. */
export async function fundedAccount(
  connector: Connector,
  asset: Asset,
  amount: bigint,
  kind = 'outgoing_payment' as const,
) {
  const account = await connector.createLedgerAccount({ assetId: asset.id, kind, ownerId: randomUUID() });
  if (amount > 0n) await connector.deposit({ id: randomUUID(), accountId: account.id, amount });
  return account;
}
