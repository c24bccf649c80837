import type { Middleware } from 'koa';
import { createClientKeys } from './clients/client-keys';
import { createJsonFetcher } from './clients/fetch-json';
import { DEFAULT_TOKEN_CACHE_TTL_MS, resolveSettings, type AuthServerDeps, type AuthSettings } from './config';
import { createGrantRoutes } from './grant/grant-routes';
import { createInteractionRoutes } from './interaction/interaction-routes';
import { introspect } from './introspection/introspect';
import { createIntrospectionRoutes } from './introspection/introspection-routes';
import { parseIntrospectionRequest } from './introspection/parse-request';
import type { IntrospectionRequest, IntrospectionResponse } from './introspection/types';
import {
  createIntrospectionTokenCache,
  NO_TOKEN_CACHE,
  type IntrospectionTokenCache,
} from './introspection/token-cache';
import { TOKEN_CHANGES_CHANNEL } from './store/access-tokens';
import type { Logger } from 'pino';

export interface AuthServer {
  /** Mount on the AUTH_PORT listener: grant requests, continuation, token management. */
  grantRoutes: Middleware;
  /** Mount on the AUTH_INTROSPECTION_PORT listener (private network only). */
  introspectionRoutes: Middleware;
  /** Mount on the AUTH_INTERACTION_PORT listener: interaction front channel, consent page, IdP API. */
  interactionRoutes: Middleware;
  /** Introspection without HTTP, for a resource server in the same process. Validates the request like the route. */
  introspect(request: IntrospectionRequest): Promise<IntrospectionResponse>;
  /** Aborts fetches of client keys and wallet addresses still in flight. The knex instance stays the caller's. */
  stop(): Promise<void>;
  /** The resolved settings (public URLs, lifetimes), for wiring and diagnostics. */
  settings: AuthSettings;
}

/**
 * The GNAP authorization server of Open Payments. Stateless apart from the database and a cache of client keys, so
 * several instances can serve one database. Throws AuthConfigError on invalid settings.
 */
export function createAuthServer(deps: AuthServerDeps): AuthServer {
  const settings = resolveSettings(deps);
  const stopping = new AbortController();
  const fetchJson = createJsonFetcher({ signal: stopping.signal, guard: deps.clientUrlGuard });
  const keys = createClientKeys({
    fetchJwks: deps.fetchJwks ?? fetchJson,
    ttlMs: settings.jwksCacheTtlMs,
    refetchIntervalMs: settings.jwksRefetchIntervalMs,
  });
  const signatures = { keys, maxSkewSeconds: settings.maxSignatureSkewSeconds, now: settings.now };
  const logger = deps.logger.child({ component: 'auth' });
  const tokenCache = createListeningTokenCache(deps, logger);
  const base = { knex: deps.knex, logger, settings, tokenCache };
  return {
    grantRoutes: createGrantRoutes({
      ...base,
      signatures,
      fetchWalletAddress: deps.fetchWalletAddress ?? fetchJson,
    }),
    introspectionRoutes: createIntrospectionRoutes(base),
    interactionRoutes: createInteractionRoutes(base),
    introspect: async (request) => introspect(base, parseIntrospectionRequest(request)),
    stop: async () => {
      stopping.abort(new Error('auth server stopped'));
      await tokenCache.stop();
    },
    settings,
  };
}

/**
 * The introspection token cache, on once this process hears of token changes made by other processes; without a way
 * to listen (deps.listen unset) every introspection reads the database.
 */
function createListeningTokenCache(
  deps: AuthServerDeps,
  logger: Logger,
): IntrospectionTokenCache & { stop(): Promise<void> } {
  const ttlMs = deps.tokenCacheTtlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
  const cache = createIntrospectionTokenCache({ ttlMs });
  let active: IntrospectionTokenCache = NO_TOKEN_CACHE;
  const unlisten =
    deps.listen &&
    ttlMs > 0 &&
    deps
      .listen(TOKEN_CHANGES_CHANNEL, () => cache.invalidate())
      .then(
        (stop) => {
          active = cache;
          return stop;
        },
        (error: unknown) => {
          logger.warn({ err: error }, 'cannot listen for token changes; introspection reads every token');
          return undefined;
        },
      );
  return {
    lookup: (valueHash, load) => active.lookup(valueHash, load),
    invalidate: () => cache.invalidate(),
    async stop() {
      active = NO_TOKEN_CACHE;
      const stopListening = unlisten ? await unlisten : undefined;
      await stopListening?.();
    },
  };
}
