import { ConfigError, loadConfig, parseServices } from '@sluice/server';

describe('loadConfig', () => {
  it('uses the documented defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.ports).toEqual({
      openPayments: 3000,
      admin: 3001,
      connector: 3002,
      auth: 3006,
      authIntrospection: 3007,
      authInteraction: 3009,
    });
    expect(config.databaseUrl).toMatch(/^pglite:\/\/.*\/data\/pgdata$/);
    expect(config.ilpAddress).toBe('test.sluice');
    expect(config.logLevel).toBe('info');
    expect(config.services).toEqual(['auth', 'resource', 'connector', 'admin']);
    expect(config.openPaymentsUrl).toBeUndefined();
    expect(config.walletAddressLookupTimeoutMs).toBe(1_500);
    expect(config.walletAddressPollingFrequencyMs).toBe(100);
    expect(loadConfig({ WALLET_ADDRESS_LOOKUP_TIMEOUT_MS: '0' }).walletAddressLookupTimeoutMs).toBe(0);
    expect(config.withdrawalThrottleDelayMs).toBeUndefined();
    expect(config.allowPrivateUrls).toBe(true);
    expect(loadConfig({ ALLOW_PRIVATE_URLS: 'false' }).allowPrivateUrls).toBe(false);
    expect(loadConfig({ WITHDRAWAL_THROTTLE_DELAY: '60000' }).withdrawalThrottleDelayMs).toBe(60_000);
    expect(config.incomingPaymentApproval).toBeUndefined();
    expect(config.enableAutoPeering).toBe(false);
    expect(config.instanceName).toBe('Sluice');
    expect(config.ilpConnectorUrl).toBeUndefined();
    expect(
      loadConfig({
        ENABLE_AUTO_PEERING: 'true',
        INSTANCE_NAME: 'Example Bank',
        ILP_CONNECTOR_URL: 'https://ilp.example.com/ilp',
      }),
    ).toMatchObject({
      enableAutoPeering: true,
      instanceName: 'Example Bank',
      ilpConnectorUrl: 'https://ilp.example.com/ilp',
    });
    expect(loadConfig({ POLL_INCOMING_PAYMENT_CREATED_WEBHOOK: 'true' }).incomingPaymentApproval).toEqual({
      timeoutMs: 10_000,
      pollIntervalMs: 100,
    });
    expect(
      loadConfig({
        POLL_INCOMING_PAYMENT_CREATED_WEBHOOK: 'true',
        INCOMING_PAYMENT_CREATED_POLL_TIMEOUT_MS: '3000',
        INCOMING_PAYMENT_CREATED_POLL_FREQUENCY_MS: '1000',
      }).incomingPaymentApproval,
    ).toEqual({ timeoutMs: 3_000, pollIntervalMs: 1_000 });
  });

  it.each([
    ['ADMIN_PORT', 'abc'],
    ['OPEN_PAYMENTS_PORT', '70000'],
    ['AUTH_PORT', '-1'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', 'postgres://localhost'],
    ['OPEN_PAYMENTS_URL', 'ftp://example.com'],
    ['ILP_ADDRESS', 'not an address'],
    ['LOG_LEVEL', 'loud'],
    ['STREAM_SECRET', 'c2hvcnQ='],
    ['SHUTDOWN_TIMEOUT_MS', '0'],
    ['WALLET_ADDRESS_LOOKUP_TIMEOUT_MS', '-5'],
    ['WALLET_ADDRESS_POLLING_FREQUENCY_MS', '0'],
    ['WITHDRAWAL_THROTTLE_DELAY', 'soon'],
    ['ALLOW_PRIVATE_URLS', 'yes'],
    ['POLL_INCOMING_PAYMENT_CREATED_WEBHOOK', '1'],
    ['ENABLE_AUTO_PEERING', 'yes'],
    ['ILP_CONNECTOR_URL', 'not a url'],
  ])('refuses %s=%s with an error naming the variable', (variable, value) => {
    let caught: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toMatch(new RegExp(`^${variable}: `));
  });

  it('requires the secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_API_SECRET: required/);
    const config = loadConfig({
      NODE_ENV: 'production',
      ADMIN_API_SECRET: 'a',
      IDP_SECRET: 'b',
      STREAM_SECRET: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(config.secrets.adminApiSecret).toBe('a');
    // Receivers on private networks are refused in production unless allowed.
    expect(config.allowPrivateUrls).toBe(false);
  });

  it('accepts postgres and pglite URLs and strips trailing slashes from public URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).databaseUrl).toBe('postgres://u@h:5432/db');
    expect(loadConfig({ DATABASE_URL: 'pglite://memory' }).databaseUrl).toBe('pglite://memory');
    expect(loadConfig({ OPEN_PAYMENTS_URL: 'https://wallet.example/' }).openPaymentsUrl).toBe('https://wallet.example');
  });
});

describe('parseServices', () => {
  it('selects any subset and refuses unknown names', () => {
    expect(parseServices('auth,resource')).toEqual(['auth', 'resource']);
    expect(parseServices('all')).toEqual(['auth', 'resource', 'connector', 'admin']);
    expect(() => parseServices('auth,payments')).toThrow(ConfigError);
  });
});
