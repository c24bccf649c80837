// The admin service: Rafiki's admin GraphQL API at POST /graphql and the operator console at GET /, as Koa
// middleware for the ADMIN_PORT listener. Built from the services it administers; the connector is optional.
import type Koa from 'koa';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ResourceServer } from '@sluice/resource';
import { createSignatureVerifier } from './auth/api-signature';
import { createSignatureStore } from './auth/signature-store';
import type { ConnectorPort } from './connector-port';
import { buildAdminSchema } from './graphql/build-schema';
import { createContext, type AdminServices } from './graphql/context';
import { consoleRoutes } from './http/console-routes';
import { graphqlRoute } from './http/graphql-route';
import { createIdempotencyStore } from './idempotency/idempotency-store';
import { allResolvers } from './resolvers';
import { createWebhookEventStore } from './webhook-events/webhook-event-store';

export interface AdminServerDeps {
  knex: Knex;
  logger: Logger;
  /** HMAC secret of request signatures (ADMIN_API_SECRET). */
  adminApiSecret: string;
  resource: ResourceServer;
  /** Assets, peers and liquidity; without it those operations answer SERVICE_UNAVAILABLE. */
  connector?: ConnectorPort;
  /** How far a signature's timestamp may be from now (default 300 s; Rafiki's default is 30 s). */
  signatureTtlSeconds?: number;
  /** How long idempotency keys are remembered (default 24 h, as Rafiki). */
  idempotencyTtlMs?: number;
}

export interface AdminServer {
  routes: Koa.Middleware[];
}

export function createAdminServer(deps: AdminServerDeps): AdminServer {
  if (typeof deps.adminApiSecret !== 'string' || deps.adminApiSecret.length === 0) {
    throw new Error('createAdminServer: adminApiSecret must be a non-empty string');
  }
  const { knex } = deps;
  const logger = deps.logger.child({ component: 'admin' });
  const schema = buildAdminSchema(allResolvers);
  const signatures = createSignatureStore({ knex });
  const verifier = createSignatureVerifier({
    secret: deps.adminApiSecret,
    ttlSeconds: deps.signatureTtlSeconds ?? 300,
    remember: signatures.remember,
  });

  let tenant: Promise<string> | undefined;
  const readTenantId = async (): Promise<string> => {
    const row = (await knex('sluice_instance').first('id')) as { id: string } | undefined;
    if (!row) throw new Error('sluice_instance has no row: the instance was never started on this database');
    return row.id;
  };
  const services: AdminServices = {
    knex,
    logger,
    resource: deps.resource,
    connector: deps.connector,
    idempotency: createIdempotencyStore({ knex, ttlMs: deps.idempotencyTtlMs }),
    webhookEvents: createWebhookEventStore({ knex }),
    tenantId: () => {
      // The instance id never changes once written; a failed read is retried by the next request.
      tenant ??= readTenantId().catch((error: unknown) => {
        tenant = undefined;
        throw error;
      });
      return tenant;
    },
  };

  return {
    routes: [graphqlRoute({ schema, verifier, logger, createContext: () => createContext(services) }), consoleRoutes()],
  };
}
