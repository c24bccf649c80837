import Koa from 'koa';
import compose from 'koa-compose';
import type { Knex } from 'knex';
import type { Logger } from './logger';

export interface ServiceAppDeps {
  knex: Knex;
  logger: Logger;
}

/**
 * The Koa app every listener runs: `GET /healthz`, then the service's own middleware. Unhandled errors become a
 * 500 with an Open Payments style body and are logged, never a crash.
 */
export function createServiceApp(name: string, deps: ServiceAppDeps, middleware: Koa.Middleware[] = []): Koa {
  return createServiceAppWithRoutes(name, deps, () => middleware);
}

/**
 * Like createServiceApp, with the service's middleware read at each request: a listener can bind its port first
 * (so its URL is known) and get its routes once the service is built. Until then it answers 503.
 */
export function createServiceAppWithRoutes(
  name: string,
  deps: ServiceAppDeps,
  currentRoutes: () => Koa.Middleware[] | undefined,
): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true;
  const logger = deps.logger.child({ listener: name });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      logger.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal_server_error', description: 'internal server error' } };
    }
  });
  app.use(async (ctx, next) => {
    if (ctx.path !== '/healthz' || ctx.method !== 'GET') return next();
    try {
      await deps.knex.raw('select 1');
      ctx.body = { status: 'ok' };
    } catch (error) {
      logger.warn({ err: error }, 'health check: database unreachable');
      ctx.status = 503;
      ctx.body = { status: 'unavailable', error: 'database unreachable' };
    }
  });
  let composed: { routes: Koa.Middleware[]; handler: Koa.Middleware } | undefined;
  app.use(async (ctx, next) => {
    const routes = currentRoutes();
    if (!routes) {
      ctx.status = 503;
      ctx.body = { error: { code: 'starting', description: 'the service is starting' } };
      return;
    }
    if (composed?.routes !== routes) composed = { routes, handler: compose(routes) };
    return composed.handler(ctx, next);
  });
  return app;
}
