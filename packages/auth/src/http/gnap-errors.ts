import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { isGnapError } from '../errors';

/**
 * Turns a GnapError into its status and `{ error: { code, description } }` body. Anything else is a bug or an outage:
 * logged, and answered with the auth-server spec's 500 body (request_denied) without internal details.
 */
export function gnapErrorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      // The route pattern, not the path: paths carry interaction nonces and management ids.
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute ?? 'unmatched';
      if (isGnapError(error)) {
        logger.debug({ method: ctx.method, route, status: error.status, code: error.code }, error.message);
        ctx.status = error.status;
        ctx.body = error.toBody();
        return;
      }
      logger.error({ err: error, method: ctx.method, route }, 'auth request failed');
      ctx.status = 500;
      ctx.body = { error: { code: 'request_denied', description: 'internal server error' } };
    }
  };
}
