// Runs the auth server the way packages/server will: each route group on its own listener, behind the same
// createServiceApp wrapper (error handler, /healthz, app.proxy). Listeners start first so that their real URLs
// (port 0) can be given to createAuthServer; the routes are bound right after.
import type Koa from 'koa';
import type { Knex } from 'knex';
import pino from 'pino';
import { createServiceApp } from '../../../server/src/service-app';
import { listenHttp, type HttpListener } from '../../../server/src/http-listener';
import { createAuthServer, type AuthServer, type AuthServerDeps } from '../../src';

export const IDP_SECRET = 'test-idp-secret-123';

export interface AuthHarness {
  auth: AuthServer;
  grantUrl: string;
  introspectionUrl: string;
  interactionUrl: string;
  stop(): Promise<void>;
}

export async function startAuthHarness(
  knex: Knex,
  overrides: Partial<Omit<AuthServerDeps, 'knex' | 'logger' | 'authServerUrl' | 'interactionUrl'>> = {},
): Promise<AuthHarness> {
  const logger = pino({ level: process.env.AUTH_TEST_LOG ?? 'silent' });
  const slots: Record<'grant' | 'introspection' | 'interaction', Koa.Middleware> = {
    grant: (_ctx, next) => next(),
    introspection: (_ctx, next) => next(),
    interaction: (_ctx, next) => next(),
  };
  const listeners: HttpListener[] = [];
  const listen = async (name: string, slot: keyof typeof slots) => {
    const app = createServiceApp(name, { knex, logger }, [(ctx, next) => slots[slot](ctx, next)]);
    const listener = await listenHttp(name, app, 0, '127.0.0.1');
    listeners.push(listener);
    return `http://127.0.0.1:${listener.port}`;
  };
  const grantUrl = await listen('auth', 'grant');
  const introspectionUrl = await listen('auth-introspection', 'introspection');
  const interactionUrl = await listen('auth-interaction', 'interaction');
  const auth = createAuthServer({
    knex,
    logger,
    authServerUrl: grantUrl,
    interactionUrl,
    idpSecret: IDP_SECRET,
    waitSeconds: 1,
    ...overrides,
  });
  slots.grant = auth.grantRoutes;
  slots.introspection = auth.introspectionRoutes;
  slots.interaction = auth.interactionRoutes;
  return {
    auth,
    grantUrl,
    introspectionUrl,
    interactionUrl,
    stop: async () => {
      await auth.stop();
      await Promise.all(listeners.map((listener) => listener.close(1000)));
    },
  };
}
