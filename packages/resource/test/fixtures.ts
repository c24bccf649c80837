import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import pino from 'pino';
import { createResourceServer, type ResourceServer } from '@sluice/resource';

/** Inserts an asset row directly: the asset API belongs to the connector package. */
export async function insertAsset(knex: Knex, code = 'USD', scale = 2): Promise<string> {
  const id = randomUUID();
  await knex('connector_assets').insert({ id, code, scale });
  return id;
}

/**
 * A resource server over a test database, without payments (no connector) and with introspection that answers every
 * token inactive: for tests of the services underneath the HTTP routes.
 */
export function createTestResourceServer(knex: Knex): ResourceServer {
  return createResourceServer({
    knex,
    logger: pino({ level: 'silent' }),
    openPaymentsUrl: 'https://wallet.example',
    authServerUrl: 'https://auth.wallet.example',
    ilpAddress: 'test.sluice',
    streamSecret: Buffer.alloc(32, 7),
    introspect: async () => ({ active: false }),
  });
}
