import { isAbsolute, resolve } from 'node:path';

export const SERVICE_NAMES = ['auth', 'resource', 'connector', 'admin'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface SluiceSecrets {
  adminApiSecret: string;
  idpSecret: string;
  streamSecret: string;
  webhookSecret: string;
}

export interface SluiceConfig {
  nodeEnv: string;
  /** A `postgres://` URL, or `pglite://memory` / `pglite://<dir>` for the embedded database. */
  databaseUrl: string;
  dataDir: string;
  services: ServiceName[];
  ports: {
    openPayments: number;
    admin: number;
    connector: number;
    auth: number;
    authIntrospection: number;
    authInteraction: number;
  };
  /** Public base URLs; undefined means `http://localhost:<bound port>`, known once listening. */
  openPaymentsUrl?: string;
  authServerUrl?: string;
  authInteractionUrl?: string;
  /** Where the resource server introspects tokens when auth runs in another process; unset = in-process call. */
  authIntrospectionUrl?: string;
  /** The wallet operator's identity provider for consent; unset = the built-in consent page (refused in production). */
  identityServerUrl?: string;
  /** Where webhook events are POSTed; unset = events are only kept in the event log. */
  webhookUrl?: string;
  ilpAddress: string;
  /** `ledger`: Sluice holds wallet balances; `webhook`: the operator funds each payment (Rafiki's model). */
  paymentFunding: 'ledger' | 'webhook';
  quoteLifespanSeconds: number;
  /** How long a request for a missing wallet address waits for the operator to create it (0: not at all). */
  walletAddressLookupTimeoutMs: number;
  /** How often it looks meanwhile. */
  walletAddressPollingFrequencyMs: number;
  /**
   * Rafiki's POLL_INCOMING_PAYMENT_CREATED_WEBHOOK: incoming payment creations wait for the operator's
   * approveIncomingPayment (or are refused on cancelIncomingPayment or after the timeout); unset = they do not wait.
   */
  incomingPaymentApproval?: { timeoutMs: number; pollIntervalMs: number };
  /**
   * Rafiki's WITHDRAWAL_THROTTLE_DELAY: money received over SPSP is announced (wallet_address.web_monetization) at
   * most this many ms after it arrived; unset = only when it reaches the asset's withdrawalThreshold.
   */
  withdrawalThrottleDelayMs?: number;
  /**
   * Whether URLs that clients choose may lead to private networks (loopback, RFC 1918, link-local): a quote's
   * receiver, a grant request's client wallet address (its keys). Default: allowed except with NODE_ENV=production.
   */
  allowPrivateUrls: boolean;
  /**
   * Rafiki's ENABLE_AUTO_PEERING: the connector listener answers peering requests at POST /auto-peering (new peers get
   * no credit; existing or overlapping addresses are refused). Asking other nodes (createOrUpdatePeerByUrl) needs no
   * setting.
   */
  enableAutoPeering: boolean;
  /** Rafiki's ILP_CONNECTOR_URL: this node's public ILP-over-HTTP URL, as told to peers; unset = the local one. */
  ilpConnectorUrl?: string;
  /** Rafiki's INSTANCE_NAME: the name peers give this node when auto-peering. */
  instanceName: string;
  /** Rafiki-format rates endpoint; unset = the built-in static table. */
  exchangeRatesUrl?: string;
  exchangeRatesLifetimeMs: number;
  /** Fraction the connector keeps on each currency exchange, as a decimal string. */
  connectorSpread: string;
  accessTokenExpirySeconds: number;
  /** GNAP continuation `wait`: seconds a client waits between continuation calls. */
  waitSeconds: number;
  logLevel: LogLevel;
  /** Secrets given in the environment; missing ones are generated and kept in DATA_DIR (not in production). */
  secrets: Partial<SluiceSecrets>;
  /** Bound on how long shutdown waits for in-flight requests. */
  shutdownTimeoutMs: number;
}

/** One bad configuration value. The message names the variable so an operator can fix it at once. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Environment = Record<string, string | undefined>;

const ILP_ADDRESS_PATTERN = /^(g|private|example|peer|self|test[1-3]?|local)([.][a-zA-Z0-9_~-]+)+$/;

function readPort(env: Environment, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(variable, `expected a TCP port number (0-65535), got "${raw}"`);
  }
  return Number(raw);
}

function readPositiveInteger(env: Environment, variable: string, fallback: number): number {
  return readInteger(env, variable, fallback, 1);
}

function readInteger(env: Environment, variable: string, fallback: number, minimum: 0 | 1): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < minimum) {
    throw new ConfigError(variable, `expected a ${minimum === 1 ? 'positive' : 'non-negative'} integer, got "${raw}"`);
  }
  return Number(raw);
}

function readChoice<T extends string>(env: Environment, variable: string, choices: readonly T[], fallback: T): T {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(variable, `expected one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function readSpread(env: Environment): string {
  const raw = env.CONNECTOR_SPREAD;
  if (raw === undefined || raw === '') return '0';
  if (!/^0(\.\d+)?$/.test(raw))
    throw new ConfigError('CONNECTOR_SPREAD', `expected a fraction in [0, 1) such as 0.002, got "${raw}"`);
  return raw;
}

function readUrl(env: Environment, variable: string): string | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `expected an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, `expected an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function readDatabaseUrl(env: Environment, dataDir: string): string {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return `pglite://${resolve(dataDir, 'pgdata')}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'DATABASE_URL',
      `expected postgres://user@host:port/database or pglite://memory, got "${raw}"`,
    );
  }
  if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
    if (!url.hostname || url.pathname.length <= 1) {
      throw new ConfigError('DATABASE_URL', `a postgres URL needs a host and a database name, got "${raw}"`);
    }
    return raw;
  }
  if (url.protocol === 'pglite:') return raw;
  throw new ConfigError('DATABASE_URL', `unsupported scheme "${url.protocol}" (use postgres:// or pglite://)`);
}

export function parseServices(value: string | undefined): ServiceName[] {
  if (value === undefined || value.trim() === '' || value.trim() === 'all') return [...SERVICE_NAMES];
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError('--services', `unknown service "${name}" (known: ${SERVICE_NAMES.join(', ')})`);
    }
  }
  return [...new Set(names as ServiceName[])];
}

/** Reads and validates the configuration from environment variables; throws ConfigError on the first bad value. */
export function loadConfig(env: Environment = process.env, options: { services?: string } = {}): SluiceConfig {
  const nodeEnv = env.NODE_ENV || 'development';
  const dataDir = resolve(env.DATA_DIR || './data');
  const ilpAddress = env.ILP_ADDRESS || 'test.sluice';
  if (!ILP_ADDRESS_PATTERN.test(ilpAddress) || ilpAddress.length > 1023) {
    throw new ConfigError('ILP_ADDRESS', `not a valid ILP address: "${ilpAddress}"`);
  }
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const secrets: Partial<SluiceSecrets> = {
    adminApiSecret: env.ADMIN_API_SECRET || undefined,
    idpSecret: env.IDP_SECRET || undefined,
    streamSecret: env.STREAM_SECRET || undefined,
    webhookSecret: env.WEBHOOK_SECRET || undefined,
  };
  if (secrets.streamSecret !== undefined && Buffer.from(secrets.streamSecret, 'base64').length !== 32) {
    throw new ConfigError('STREAM_SECRET', 'expected 32 bytes in base64');
  }
  if (nodeEnv === 'production') {
    const required: [keyof SluiceSecrets, string][] = [
      ['adminApiSecret', 'ADMIN_API_SECRET'],
      ['idpSecret', 'IDP_SECRET'],
      ['streamSecret', 'STREAM_SECRET'],
    ];
    for (const [key, variable] of required) {
      if (!secrets[key]) throw new ConfigError(variable, 'required when NODE_ENV=production');
    }
  }
  return {
    nodeEnv,
    databaseUrl: readDatabaseUrl(env, dataDir),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    services: parseServices(options.services ?? env.SLUICE_SERVICES),
    ports: {
      openPayments: readPort(env, 'OPEN_PAYMENTS_PORT', 3000),
      admin: readPort(env, 'ADMIN_PORT', 3001),
      connector: readPort(env, 'CONNECTOR_PORT', 3002),
      auth: readPort(env, 'AUTH_PORT', 3006),
      authIntrospection: readPort(env, 'AUTH_INTROSPECTION_PORT', 3007),
      authInteraction: readPort(env, 'AUTH_INTERACTION_PORT', 3009),
    },
    openPaymentsUrl: readUrl(env, 'OPEN_PAYMENTS_URL'),
    authServerUrl: readUrl(env, 'AUTH_SERVER_URL'),
    authInteractionUrl: readUrl(env, 'AUTH_INTERACTION_URL'),
    authIntrospectionUrl: readUrl(env, 'AUTH_INTROSPECTION_URL'),
    identityServerUrl: readUrl(env, 'IDENTITY_SERVER_URL'),
    webhookUrl: readUrl(env, 'WEBHOOK_URL'),
    ilpAddress,
    paymentFunding: readChoice(env, 'PAYMENT_FUNDING', ['ledger', 'webhook'] as const, 'ledger'),
    quoteLifespanSeconds: readPositiveInteger(env, 'QUOTE_LIFESPAN_SECONDS', 30),
    walletAddressLookupTimeoutMs: readInteger(env, 'WALLET_ADDRESS_LOOKUP_TIMEOUT_MS', 1_500, 0),
    walletAddressPollingFrequencyMs: readPositiveInteger(env, 'WALLET_ADDRESS_POLLING_FREQUENCY_MS', 100),
    incomingPaymentApproval:
      readChoice(env, 'POLL_INCOMING_PAYMENT_CREATED_WEBHOOK', ['true', 'false'] as const, 'false') === 'true'
        ? {
            timeoutMs: readPositiveInteger(env, 'INCOMING_PAYMENT_CREATED_POLL_TIMEOUT_MS', 10_000),
            pollIntervalMs: readPositiveInteger(env, 'INCOMING_PAYMENT_CREATED_POLL_FREQUENCY_MS', 100),
          }
        : undefined,
    allowPrivateUrls:
      readChoice(env, 'ALLOW_PRIVATE_URLS', ['true', 'false'] as const, nodeEnv === 'production' ? 'false' : 'true') ===
      'true',
    withdrawalThrottleDelayMs: env.WITHDRAWAL_THROTTLE_DELAY
      ? readInteger(env, 'WITHDRAWAL_THROTTLE_DELAY', 0, 0)
      : undefined,
    enableAutoPeering: readChoice(env, 'ENABLE_AUTO_PEERING', ['true', 'false'] as const, 'false') === 'true',
    ilpConnectorUrl: readUrl(env, 'ILP_CONNECTOR_URL'),
    instanceName: env.INSTANCE_NAME || 'Sluice',
    exchangeRatesUrl: readUrl(env, 'EXCHANGE_RATES_URL'),
    exchangeRatesLifetimeMs: readPositiveInteger(env, 'EXCHANGE_RATES_LIFETIME', 15_000),
    connectorSpread: readSpread(env),
    accessTokenExpirySeconds: readPositiveInteger(env, 'ACCESS_TOKEN_EXPIRY_SECONDS', 600),
    waitSeconds: readPositiveInteger(env, 'WAIT_SECONDS', 5),
    logLevel,
    secrets,
    shutdownTimeoutMs: readPositiveInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000),
  };
}
