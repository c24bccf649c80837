// POST /graphql: reads the body, checks the request signature, and only then runs the operation. A request without
// a valid signature gets 401 and nothing runs.
import type Koa from 'koa';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { SignatureVerifier } from '../auth/api-signature';
import { executeRequest } from '../graphql/execute-request';
import { BodyError, readJsonBody } from './read-json-body';

export interface GraphqlRouteDeps {
  schema: GraphQLSchema;
  verifier: SignatureVerifier;
  logger: Logger;
  /** A fresh resolver context for each request. */
  createContext(): unknown;
  bodyLimitBytes?: number;
}

const unauthorized = (reason: string) => ({
  errors: [{ message: `Unauthorized: ${reason}`, extensions: { code: 'UNAUTHENTICATED' } }],
});

export function graphqlRoute(deps: GraphqlRouteDeps): Koa.Middleware {
  const limit = deps.bodyLimitBytes ?? 1024 * 1024;
  return async (ctx, next) => {
    if (ctx.path !== '/graphql') return next();
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.body = { errors: [{ message: 'use POST for /graphql' }] };
      return;
    }
    const header = ctx.get('signature') || undefined;
    if (!header) {
      ctx.status = 401;
      ctx.body = unauthorized('missing signature header');
      return;
    }
    let body: unknown;
    try {
      body = await readJsonBody(ctx.req, limit);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      ctx.status = error.status;
      ctx.body = { errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] };
      return;
    }
    const verdict = await deps.verifier.verify(header, body);
    if (!verdict.ok) {
      deps.logger.warn({ reason: verdict.reason, ip: ctx.ip }, 'admin API request refused');
      ctx.status = 401;
      ctx.body = unauthorized(verdict.reason);
      return;
    }
    const result = await executeRequest(deps.schema, body, deps.createContext(), deps.logger);
    ctx.status = result.status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = result.body;
  };
}
