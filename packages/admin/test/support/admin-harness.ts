// A running admin listener for tests: the service app every Sluice listener runs, with this package's routes,
// served over real HTTP on a free port, over a real (per-file) database and a real resource server.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Knex } from 'knex';
import { anyWalletAddressInAsset, createResourceServer, type ResourceServer } from '@sluice/resource';
import { createTestDatabase, type TestDatabase } from '../../../../test-support';
import { listenHttp, type HttpListener } from '../../../server/src/http-listener';
import { createServiceApp } from '../../../server/src/service-app';
import { createAdminServer, type AdminServerDeps, type ConnectorPort } from '../../src';
import { createAssetService, createAutoPeering, createLedger, createPeerService } from '@sluice/connector';
import { connectorPortOver } from '../../../server/src/admin-connector-port';
import { adminClient, type AdminClient } from './admin-client';

export type { GqlResult, Json, RequestOptions } from './admin-client';

export interface AdminHarness extends AdminClient {
  url: string;
  secret: string;
  db: TestDatabase;
  knex: Knex;
  resource: ResourceServer;
  connector?: ConnectorPort;
  /** An asset row for the resource server (through the connector when there is one). */
  createAsset(code?: string, scale?: number): Promise<string>;
  stop(): Promise<void>;
}

export const OPEN_PAYMENTS_URL = 'https://wallet.example';

export async function startAdmin(
  options: { connector?: boolean; admin?: Partial<AdminServerDeps> } = {},
): Promise<AdminHarness> {
  const db = await createTestDatabase();
  const { knex } = db;
  // What startSluice writes at first start; the admin API reads the tenant id from it.
  await knex.raw('INSERT INTO sluice_instance (id) VALUES (gen_random_uuid()) ON CONFLICT DO NOTHING');
  const logger = pino({ level: 'silent' });
  const resource = createResourceServer({
    knex,
    logger,
    openPaymentsUrl: OPEN_PAYMENTS_URL,
    authServerUrl: 'https://auth.wallet.example',
    ilpAddress: 'test.sluice',
    streamSecret: Buffer.alloc(32, 9),
    introspect: async () => ({ active: false }),
  });
  const assets = createAssetService({ knex, isAssetUsedElsewhere: anyWalletAddressInAsset });
  const peers = createPeerService({ knex });
  const connector = options.connector
    ? connectorPortOver(knex, {
        assets,
        peers,
        ledger: createLedger({ knex: knex }),
        autoPeering: createAutoPeering({
          assets,
          peers,
          ilpAddress: 'test.sluice',
          ilpConnectorUrl: 'http://127.0.0.1:9/ilp',
          instanceName: 'Sluice',
        }),
      })
    : undefined;
  const secret = randomBytes(24).toString('base64url');
  const admin = createAdminServer({ knex, logger, adminApiSecret: secret, resource, connector, ...options.admin });
  const listener: HttpListener = await listenHttp(
    'admin',
    createServiceApp('admin', { knex, logger }, admin.routes),
    0,
  );
  const url = listener.localUrl;

  return {
    url,
    secret,
    db,
    knex,
    resource,
    connector,
    ...adminClient(url, secret),
    async createAsset(code = 'USD', scale = 2) {
      if (connector) return (await connector.createAsset({ code, scale })).id;
      const [row] = (await knex('connector_assets').insert({ code, scale }).returning('id')) as { id: string }[];
      return row.id;
    },
    async stop() {
      await listener.close(1000);
      await db.drop();
    },
  };
}
