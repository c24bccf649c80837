// A running admin listener for tests: the service app every Sluice listener runs, with this package's routes,
// served over real HTTP on a free port, over a real (per-file) database and a real resource server.
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Knex } from 'knex';
import { createResourceServer, type ResourceServer } from '@sluice/resource';
import { createTestDatabase, type TestDatabase } from '../../../../test-support';
import { listenHttp, type HttpListener } from '../../../server/src/http-listener';
import { createServiceApp } from '../../../server/src/service-app';
import { createAdminServer, signAdminRequest, type AdminServerDeps, type ConnectorPort } from '../../src';
import { createAssetService, createLedger, createPeerService } from '@sluice/connector';
import { connectorPortOver } from '../../../server/src/admin-connector-port';

// GraphQL results are checked by the tests' assertions, not by types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface GqlResult {
  status: number;
  body: { data?: Json; errors?: { message: string; extensions?: { code?: string } }[] };
}

export interface RequestOptions {
  /** Sign with this secret instead of the right one. */
  secret?: string;
  /** Unix seconds to sign with. */
  timestamp?: number;
  /** The exact signature header to send; null sends none. */
  signature?: string | null;
  headers?: Record<string, string>;
}

export interface AdminHarness {
  url: string;
  secret: string;
  db: TestDatabase;
  knex: Knex;
  resource: ResourceServer;
  connector?: ConnectorPort;
  /** Posts `body` to /graphql, signed unless told otherwise. */
  post(body: unknown, options?: RequestOptions): Promise<GqlResult>;
  gql(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GqlResult>;
  /** gql() that must succeed without errors; returns data. */
  ok(query: string, variables?: Record<string, unknown>): Promise<Json>;
  /** gql() that must fail with `code` on some field; returns the first error. */
  fails(query: string, variables: Record<string, unknown>, code: string): Promise<{ message: string }>;
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
  const connector = options.connector
    ? connectorPortOver(knex, {
        assets: createAssetService({ knex: knex }),
        peers: createPeerService({ knex: knex }),
        ledger: createLedger({ knex: knex }),
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

  const post = async (body: unknown, request: RequestOptions = {}): Promise<GqlResult> => {
    const signature =
      request.signature === undefined
        ? signAdminRequest(request.secret ?? secret, body, request.timestamp)
        : request.signature;
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { signature } : {}), ...request.headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as GqlResult['body'] };
  };
  // Two identical bodies signed in the same second carry the same signature, and the second is refused as a replay
  // (as in Rafiki). Tests repeat requests on purpose, so each gets a nonce in GraphQL's `extensions`, as the console does.
  const gql = (query: string, variables?: Record<string, unknown>, request?: RequestOptions) =>
    post({ query, ...(variables ? { variables } : {}), extensions: { nonce: randomUUID() } }, request);

  return {
    url,
    secret,
    db,
    knex,
    resource,
    connector,
    post,
    gql,
    async ok(query, variables) {
      const result = await gql(query, variables);
      if (result.status !== 200 || result.body.errors) {
        throw new Error(`expected success, got ${result.status} ${JSON.stringify(result.body)}`);
      }
      return result.body.data;
    },
    async fails(query, variables, code) {
      const result = await gql(query, variables);
      const error = result.body.errors?.[0];
      if (!error || error.extensions?.code !== code) {
        throw new Error(`expected an error ${code}, got ${result.status} ${JSON.stringify(result.body)}`);
      }
      return error;
    },
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
