import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { gnapErrorHandler } from '../http/gnap-errors';
import { parseJsonBody, readRawBody } from '../http/read-body';
import { introspect, type IntrospectDeps } from './introspect';
import { parseIntrospectionRequest } from './parse-request';

/**
 * The introspection listener (AUTH_INTROSPECTION_PORT): `POST /` with `{ access_token, access? }`. It is meant for
 * the resource server only and must not be exposed publicly (trust is by network placement, as in Rafiki).
 */
export function createIntrospectionRoutes(deps: IntrospectDeps & { logger: Logger }): Middleware {
  const router = new Router();
  router.use(gnapErrorHandler(deps.logger.child({ listener: 'auth-introspection' })));
  router.post('/', async (ctx) => {
    const request = parseIntrospectionRequest(parseJsonBody(await readRawBody(ctx, 16 * 1024)));
    ctx.body = await introspect(deps, request);
  });
  return router.routes() as Middleware;
}
