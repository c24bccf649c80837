// The operator console: static files from this package's console/ directory (no CDN, nothing external), served at
// GET / and GET /console/<file>. The page only ever talks to this listener's /graphql, signing each request in the
// browser; the strict Content-Security-Policy keeps it that way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Koa from 'koa';

/** Resolves from src/http and from dist/http alike: the files are not compiled, they ship as they are. */
export const CONSOLE_DIRECTORY = join(__dirname, '..', '..', 'console');

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/console/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console/hmac.js': { file: 'hmac.js', type: 'text/javascript; charset=utf-8' },
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-cache',
};

export function consoleRoutes(directory = CONSOLE_DIRECTORY): Koa.Middleware {
  // Read once at start: a missing file is a packaging error that should stop the server, not a 404 later.
  const assets = new Map(
    Object.entries(FILES).map(([path, { file, type }]) => [path, { type, body: readFileSync(join(directory, file)) }]),
  );
  return async (ctx, next) => {
    const asset = assets.get(ctx.path);
    if (!asset || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.set(SECURITY_HEADERS);
    ctx.type = asset.type;
    ctx.body = asset.body;
  };
}
