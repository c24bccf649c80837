import type Koa from 'koa';
import { resolveSecrets } from './secrets';
import { openDatabase, migrateDatabase, type Database } from './database';
import { createLogger, type Logger } from './logger';
import { listenHttp, type HttpListener } from './http-listener';
import { createServiceAppWithRoutes } from './service-app';
import { resolvePublicUrls, type PublicUrls } from './public-urls';
import { buildServices, type RunningServices } from './services';
import type { ServiceName, SluiceConfig, SluiceSecrets } from './config';

export type ListenerName = 'open-payments' | 'admin' | 'connector' | 'auth' | 'auth-introspection' | 'auth-interaction';

const LISTENERS_OF_SERVICE: Record<ServiceName, ListenerName[]> = {
  resource: ['open-payments'],
  admin: ['admin'],
  connector: ['connector'],
  auth: ['auth', 'auth-introspection', 'auth-interaction'],
};

function portOf(config: SluiceConfig, listener: ListenerName): number {
  const ports = config.ports;
  switch (listener) {
    case 'open-payments':
      return ports.openPayments;
    case 'admin':
      return ports.admin;
    case 'connector':
      return ports.connector;
    case 'auth':
      return ports.auth;
    case 'auth-introspection':
      return ports.authIntrospection;
    case 'auth-interaction':
      return ports.authInteraction;
  }
}

export interface SluiceInstance {
  config: SluiceConfig;
  secrets: SluiceSecrets;
  database: Database;
  logger: Logger;
  /** Local URL of every running listener, by name. */
  urls: Partial<Record<ListenerName, string>>;
  /** The URLs clients see (configured, or the local ones). */
  publicUrls: PublicUrls;
  /** The services built in this process, for tests and tools that drive them directly. */
  services: RunningServices;
  /** Stops taking requests, lets in-flight ones finish (bounded by config.shutdownTimeoutMs), closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

/**
 * Starts the selected services in this process, each on its own port, over one migrated database. Several instances
 * can run in one process (tests do), each with its own database and ports.
 */
export async function startSluice(config: SluiceConfig, options: StartOptions = {}): Promise<SluiceInstance> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const secrets = await resolveSecrets(config.secrets, config.dataDir);
  const database = await openDatabase(config.databaseUrl);
  const listeners: HttpListener[] = [];
  const routes: Partial<Record<ListenerName, Koa.Middleware[]>> = {};
  let services: RunningServices | undefined;
  try {
    const applied = await migrateDatabase(database.knex);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    await database.knex.raw('INSERT INTO sluice_instance (id) VALUES (gen_random_uuid()) ON CONFLICT DO NOTHING');
    // Ports first, so that URLs derived from them are known when the services are built.
    for (const service of config.services) {
      for (const name of LISTENERS_OF_SERVICE[service]) {
        const app = createServiceAppWithRoutes(name, { knex: database.knex, logger }, () => routes[name]);
        listeners.push(await listenHttp(name, app, portOf(config, name)));
      }
    }
    const urls: Partial<Record<ListenerName, string>> = {};
    for (const listener of listeners) urls[listener.name as ListenerName] = listener.localUrl;
    const publicUrls = resolvePublicUrls(config, urls);
    services = await buildServices({
      config,
      secrets,
      knex: database.knex,
      listen: database.listen,
      logger,
      publicUrls,
      localUrls: urls,
    });
    Object.assign(routes, services.routes);
    const running = services;

    let stopping: Promise<void> | undefined;
    return {
      config,
      secrets,
      database,
      logger,
      urls,
      publicUrls,
      services: running,
      stop: () => {
        stopping ??= (async () => {
          await Promise.all(listeners.map((listener) => listener.close(config.shutdownTimeoutMs)));
          await running.stop();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await Promise.all(listeners.map((listener) => listener.close(0)));
    await services?.stop();
    await database.close();
    throw error;
  }
}
