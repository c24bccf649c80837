import Koa from 'koa';
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
  for (const handler of middleware) app.use(handler);
  return app;
}
