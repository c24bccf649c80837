// The composition root: builds each selected service from its package's factory, passing dependencies in.
import type Koa from 'koa';
import type { Knex } from 'knex';
import { createResourceServer, type ResourceServer } from '@sluice/resource';
import { ConfigError, type SluiceConfig, type SluiceSecrets } from './config';
import type { Logger } from './logger';
import type { PublicUrls } from './public-urls';
import type { ListenerName } from './sluice';
import { createHttpIntrospect } from './http-introspect';

export interface ServicesDeps {
  config: SluiceConfig;
  secrets: SluiceSecrets;
  knex: Knex;
  logger: Logger;
  publicUrls: PublicUrls;
  localUrls: Partial<Record<ListenerName, string>>;
}

export interface RunningServices {
  routes: Partial<Record<ListenerName, Koa.Middleware[]>>;
  resource?: ResourceServer;
  stop(): Promise<void>;
}

export async function buildServices(deps: ServicesDeps): Promise<RunningServices> {
  const { config, secrets, knex, logger, publicUrls } = deps;
  const selected = new Set(config.services);
  const routes: RunningServices['routes'] = {};
  const stops: (() => Promise<void>)[] = [];

  if (selected.has('auth')) {
    // The GNAP server lands with packages/auth; until then its listeners answer /healthz only.
    routes.auth = [];
    routes['auth-introspection'] = [];
    routes['auth-interaction'] = [];
  }

  let resource: ResourceServer | undefined;
  if (selected.has('resource')) {
    const introspectionUrl = config.authIntrospectionUrl ?? deps.localUrls['auth-introspection'];
    if (!introspectionUrl) {
      throw new ConfigError(
        'AUTH_INTROSPECTION_URL',
        'required when the resource service runs without the auth service',
      );
    }
    resource = createResourceServer({
      knex,
      logger: logger.child({ service: 'resource' }),
      openPaymentsUrl: publicUrls.openPayments,
      authServerUrl: publicUrls.authServer,
      ilpAddress: config.ilpAddress,
      streamSecret: Buffer.from(secrets.streamSecret, 'base64'),
      introspect: createHttpIntrospect(introspectionUrl),
    });
    routes['open-payments'] = resource.routes;
  }

  if (selected.has('connector')) routes.connector = [];
  if (selected.has('admin')) routes.admin = [];

  return {
    routes,
    resource,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
