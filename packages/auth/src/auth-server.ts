import type { Middleware } from 'koa';
import { createClientKeys } from './clients/client-keys';
import { createJsonFetcher } from './clients/fetch-json';
import { resolveSettings, type AuthServerDeps, type AuthSettings } from './config';
import { createGrantRoutes } from './grant/grant-routes';
import { createInteractionRoutes } from './interaction/interaction-routes';
import { introspect } from './introspection/introspect';
import { createIntrospectionRoutes } from './introspection/introspection-routes';
import { parseIntrospectionRequest } from './introspection/parse-request';
import type { IntrospectionRequest, IntrospectionResponse } from './introspection/types';

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
  const fetchJson = createJsonFetcher({ signal: stopping.signal });
  const keys = createClientKeys({
    fetchJwks: deps.fetchJwks ?? fetchJson,
    ttlMs: settings.jwksCacheTtlMs,
    refetchIntervalMs: settings.jwksRefetchIntervalMs,
  });
  const signatures = { keys, maxSkewSeconds: settings.maxSignatureSkewSeconds, now: settings.now };
  const logger = deps.logger.child({ component: 'auth' });
  const base = { knex: deps.knex, logger, settings };
  return {
    grantRoutes: createGrantRoutes({
      ...base,
      signatures,
      fetchWalletAddress: deps.fetchWalletAddress ?? fetchJson,
    }),
    introspectionRoutes: createIntrospectionRoutes(base),
    interactionRoutes: createInteractionRoutes(base),
    introspect: async (request) => introspect(base, parseIntrospectionRequest(request)),
    stop: async () => stopping.abort(new Error('auth server stopped')),
    settings,
  };
}
