import type Koa from 'koa';

/** A route taking only POST at `path` (405 with `Allow: POST` for any other method); other paths pass on. */
export function postRoute(path: string, handle: (ctx: Koa.Context) => Promise<void>): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path !== path) return next();
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      return;
    }
    await handle(ctx);
  };
}
