import type Koa from 'koa';

/**
 * Lets browser apps on any origin call the public APIs (Open Payments, GNAP grants), as Rafiki's Open Payments server
 * does: every response may be read cross-origin, and a CORS preflight is answered before any route sees it. Any
 * origin is fine because these APIs take their credentials from headers a page must set itself (GNAP token, HTTP
 * signature), never from cookies a browser would add on its own. Not for the admin, introspection, interaction or
 * connector listeners, which no third-party page has reason to call.
 */
export function allowCrossOrigin(): Koa.Middleware {
  return async (ctx, next) => {
    ctx.set('Access-Control-Allow-Origin', '*');
    if (ctx.method === 'OPTIONS' && ctx.get('origin') && ctx.get('access-control-request-method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
      // Whatever the page asks to send (Authorization, Signature, Signature-Input, Content-Digest, ...).
      const requested = ctx.get('access-control-request-headers');
      if (requested) ctx.set('Access-Control-Allow-Headers', requested);
      ctx.set('Access-Control-Max-Age', '7200');
      ctx.status = 204;
      return;
    }
    // A 401 names the auth server to ask in WWW-Authenticate; a page can only read it when exposed.
    ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    return next();
  };
}
