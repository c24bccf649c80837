import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { DEFAULT_INTERACTION_POLICY, type InteractionPolicy } from './access/policy';
import { isHttpUrl } from './access/shape';
import type { Dispatcher } from 'undici';

/** See AuthServerDeps.clientUrlGuard. */
export interface ClientUrlGuard {
  check(url: URL): Promise<void>;
  dispatcher?: Dispatcher;
}

export interface AuthServerDeps {
  knex: Knex;
  logger: Logger;
  /**
   * The grant request endpoint exactly as wallet address documents publish it (`authServer`). Continuation and
   * token management URLs are built under it, and it is the last line of the interaction finish hash.
   */
  authServerUrl: string;
  /** Public base URL of the interaction listener (interaction redirects, finish, built-in consent page, IdP API). */
  interactionUrl: string;
  /** Shared secret an identity provider sends as `x-idp-secret` on the IdP API. */
  idpSecret: string;
  /** External consent front end (Rafiki IdP protocol); without it the built-in consent page is used. */
  identityServerUrl?: string;
  /** What the built-in consent page asks for before approving. Default: idpSecret. */
  consentSecret?: string;
  /** Lifetime of access tokens. Default 600 s (Rafiki). */
  accessTokenExpirySeconds?: number;
  /** The continuation `wait`: least time between continuation calls. Default 5 s (Rafiki). */
  waitSeconds?: number;
  /** How long the resource owner has to finish an interaction. Default 600 s. */
  interactionExpirySeconds?: number;
  /** GETs a client's JWKS (`<wallet address>/jwks.json`); default: HTTP with a timeout and size limit. */
  fetchJwks?: (url: string) => Promise<unknown>;
  /** GETs a client's wallet address document (display name for consent); default: HTTP like fetchJwks. */
  fetchWalletAddress?: (url: string) => Promise<unknown>;
  /**
   * Where the default fetches may go: `check` is called with each client-supplied URL before it is fetched, and
   * throws to refuse it; `dispatcher` (an undici Dispatcher) makes the connection, e.g. one refusing private addresses
   * when the name is resolved again at connect time. The composition root passes a guard against private networks in
   * production. Default: anywhere.
   */
  clientUrlGuard?: ClientUrlGuard;
  /** How long fetched client keys are trusted. Default 5 minutes. */
  jwksCacheTtlMs?: number;
  /** Least time between two refetches of a client's keys caused by an unknown kid. Default 10 s. */
  jwksRefetchIntervalMs?: number;
  /** Allowed distance of a signature's `created` from our clock. Default 300 s. */
  maxSignatureSkewSeconds?: number;
  interactionPolicy?: Partial<InteractionPolicy>;
  /** Clock for expiry and wait decisions; tests move it. */
  now?: () => Date;
  /**
   * Subscribes to a NOTIFY channel of the database (the server's Database.listen). With it, introspected tokens are
   * cached and dropped when any process revokes or rotates one; without it, every introspection reads the database.
   */
  listen?: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;
  /** Longest time a cached token is used without reading it again. Default 2 s; 0 turns the cache off. */
  tokenCacheTtlMs?: number;
}

/** Bounds staleness only while a process cannot hear notifications (a lost LISTEN connection that is not yet seen). */
export const DEFAULT_TOKEN_CACHE_TTL_MS = 2_000;

/** The validated, defaulted settings every part of the server reads. */
export interface AuthSettings {
  /** `authServerUrl` as the WHATWG URL serialization (what a client's HTTP library signs as `@target-uri`). */
  grantEndpointUrl: string;
  /** grantEndpointUrl without a trailing slash: the base of continuation and management URLs. */
  grantBaseUrl: string;
  /** interactionUrl without a trailing slash. */
  interactionBaseUrl: string;
  idpSecret: string;
  consentSecret: string;
  identityServerUrl: string | undefined;
  accessTokenExpirySeconds: number;
  waitSeconds: number;
  interactionExpirySeconds: number;
  maxSignatureSkewSeconds: number;
  jwksCacheTtlMs: number;
  jwksRefetchIntervalMs: number;
  interactionPolicy: InteractionPolicy;
  now: () => Date;
}

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

export function resolveSettings(deps: AuthServerDeps): AuthSettings {
  const grantEndpointUrl = readUrl(deps.authServerUrl, 'authServerUrl');
  const interactionUrl = readUrl(deps.interactionUrl, 'interactionUrl');
  const identityServerUrl =
    deps.identityServerUrl === undefined ? undefined : readUrl(deps.identityServerUrl, 'identityServerUrl');
  if (typeof deps.idpSecret !== 'string' || deps.idpSecret.length < 8) {
    throw new AuthConfigError('idpSecret must be a string of at least 8 characters');
  }
  const consentSecret = deps.consentSecret ?? deps.idpSecret;
  if (consentSecret.length < 8) throw new AuthConfigError('consentSecret must be at least 8 characters');
  return {
    grantEndpointUrl,
    grantBaseUrl: withoutTrailingSlash(grantEndpointUrl),
    interactionBaseUrl: withoutTrailingSlash(interactionUrl),
    idpSecret: deps.idpSecret,
    consentSecret,
    identityServerUrl,
    accessTokenExpirySeconds: readPositive(deps.accessTokenExpirySeconds, 600, 'accessTokenExpirySeconds'),
    waitSeconds: readNonNegative(deps.waitSeconds, 5, 'waitSeconds'),
    interactionExpirySeconds: readPositive(deps.interactionExpirySeconds, 600, 'interactionExpirySeconds'),
    maxSignatureSkewSeconds: readPositive(deps.maxSignatureSkewSeconds, 300, 'maxSignatureSkewSeconds'),
    jwksCacheTtlMs: readNonNegative(deps.jwksCacheTtlMs, 5 * 60_000, 'jwksCacheTtlMs'),
    jwksRefetchIntervalMs: readNonNegative(deps.jwksRefetchIntervalMs, 10_000, 'jwksRefetchIntervalMs'),
    interactionPolicy: { ...DEFAULT_INTERACTION_POLICY, ...deps.interactionPolicy },
    now: deps.now ?? (() => new Date()),
  };
}

function readUrl(value: string, name: string): string {
  if (typeof value !== 'string' || !isHttpUrl(value)) throw new AuthConfigError(`${name} must be an http(s) URL`);
  const url = new URL(value);
  if (url.search !== '' || url.hash !== '') throw new AuthConfigError(`${name} must not have a query or fragment`);
  return url.href;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function readPositive(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result <= 0) throw new AuthConfigError(`${name} must be a positive integer`);
  return result;
}

function readNonNegative(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 0) throw new AuthConfigError(`${name} must be a non-negative integer`);
  return result;
}
