// End-to-end Open Payments figures through real HTTP: signed incoming-payment creations per second (each one
// introspected and signature-checked), and whole payments (incoming payment + quote + outgoing payment + STREAM
// settlement) per second with create-to-completed latency, on one Sluice in one currency and across two Sluice
// instances peered over ILP over HTTP in two currencies. "Completed" is when the operator's webhook endpoint receives
// outgoing_payment.completed, which is when a wallet operator learns of it. The paying app and the operator each run
// in a worker thread, as they would run outside the server. The app signs its calls with the lean signing client (the
// server's figures); one more figure has it on the official SDK, whose own cost per call is the app's.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAuthenticatedClient,
  isFinalizedGrantWithAccessToken,
  isPendingGrant,
  type AccessItem,
  type AuthenticatedClient,
} from '@interledger/open-payments';
import { exportPrivateKeyPem, generateEd25519Key } from '@sluice/http-signatures';
import { decideWithIdentityProvider, loadConfig, startSluice, type SluiceInstance } from '@sluice/server';
import type { BenchFigure } from './figure';
import { createBenchDatabase } from './bench-database';
import { startCpuMeter } from './cpu-meter';
import { startWebhookOperator, type WebhookOperator } from './webhook-operator';
import { runSignedLoad } from './signed-load-worker';
import { PAYMENT_STEPS, runPaymentClient, type PaymentClientJob } from './payment-client-worker';

export const name = 'Open Payments (official SDK, real HTTP)';

/** Creations through the official SDK (its own per-call cost makes it the slow figure). */
const CREATIONS = Number(process.env.BENCH_OP_CREATIONS ?? 2000);
/** Creations measured from the lean signing client, and for the bare server's ceiling. */
const LEAN_CREATIONS = Number(process.env.BENCH_OP_LEAN_CREATIONS ?? 10_000);
// Creations sent before each lean creation figure and not counted, for the same reason as the payments' warm-up: a
// fresh process (server, client and operator threads alike) takes ~5 s of this load to reach its steady speed here —
// V8's compiler threads busy, machine CPU per creation 0.9 → 0.55 ms — and 1,000 warm-up creations measured mostly
// that ramp (1,550–1,850 /s against 2,700–2,930 /s once warm, on the same machine in the same hour).
const WARMUP_CREATIONS = Number(process.env.BENCH_OP_CREATION_WARMUP ?? 10_000);
const PAYMENTS = Number(process.env.BENCH_OP_PAYMENTS ?? 150);
// Payments made before each payment figure and not counted: a server runs warm, and the JIT of this one keeps
// compiling the payment path for its first few hundred payments (its helper threads' CPU per payment fell 7.6 → 2.8 ms
// over the first 1,200 here).
const WARMUP_PAYMENTS = Number(process.env.BENCH_OP_WARMUP ?? 200);

async function account(sluice: SluiceInstance, path: string, assetId: string, balance: bigint) {
  const walletAddress = await sluice.services.resource!.walletAddresses.create({ address: path, assetId });
  const { signingKey, publicJwk } = generateEd25519Key(`${path.slice(1)}-key`);
  await sluice.services.resource!.keys.add(walletAddress.id, publicJwk);
  if (balance > 0n) {
    const accountId = await sluice.services.walletAddressAccountId!(walletAddress);
    await sluice.services.connector!.deposit({ id: randomUUID(), accountId, amount: balance });
  }
  const client = await createAuthenticatedClient({
    walletAddressUrl: walletAddress.url,
    privateKey: signingKey.privateKey,
    keyId: signingKey.keyId,
    validateResponses: false,
  });
  return { walletAddress, client, signingKey };
}

async function token(client: AuthenticatedClient, authServer: string, access: AccessItem[]): Promise<string> {
  const grant = await client.grant.request({ url: authServer }, { access_token: { access } });
  if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a token');
  return grant.access_token.value;
}

/** An outgoing-payment token, consent given over the IdP API. */
async function outgoingToken(sluice: SluiceInstance, client: AuthenticatedClient, walletAddress: string) {
  const pending = await client.grant.request(
    { url: sluice.publicUrls.authServer },
    {
      access_token: { access: [{ type: 'outgoing-payment', actions: ['create', 'read'], identifier: walletAddress }] },
      interact: {
        start: ['redirect'],
        finish: { method: 'redirect', uri: 'https://bench.invalid/done', nonce: randomUUID() },
      },
    },
  );
  if (!isPendingGrant(pending)) throw new Error('expected an interactive grant');
  const { interactRef } = await decideWithIdentityProvider(pending.interact.redirect, {
    interactionUrl: sluice.urls['auth-interaction'] as string,
    idpSecret: sluice.secrets.idpSecret,
  });
  await new Promise((resolve) => setTimeout(resolve, (pending.continue.wait ?? 0) * 1000));
  const continued = await client.grant.continue(
    { url: pending.continue.uri, accessToken: pending.continue.access_token.value },
    { interact_ref: interactRef as string },
  );
  if (!isFinalizedGrantWithAccessToken(continued)) throw new Error('no token');
  return continued.access_token.value;
}

/**
 * The creation figure's ceiling on this machine: the same signed load (same client, bodies, concurrency) against a
 * bare node:http server that reads each request and answers 201 with a body like a creation's, doing no work — no
 * signature check, no token, no database, no webhook. No server can beat it here; it shows how much of a creation's
 * time is Sluice's own work and how much is this machine's HTTP over loopback and the client's signing.
 */
async function bareServerCeiling(
  signingKey: ReturnType<typeof generateEd25519Key>['signingKey'],
  sluicePerSecond: number,
): Promise<BenchFigure> {
  const answer = JSON.stringify({
    id: `http://127.0.0.1/incoming-payments/${randomUUID()}`,
    walletAddress: 'http://127.0.0.1/bob',
    completed: false,
    incomingAmount: { value: '100', assetCode: 'USD', assetScale: 2 },
    receivedAmount: { value: '0', assetCode: 'USD', assetScale: 2 },
    expiresAt: new Date().toISOString(),
    createdAt: new Date().toISOString(),
    methods: [{ type: 'ilp', ilpAddress: `test.sluice.${'x'.repeat(60)}`, sharedSecret: 'x'.repeat(43) }],
  });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const load = await runSignedLoad({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/incoming-payments`,
      accessToken: 'x'.repeat(40),
      privateKeyPem: exportPrivateKeyPem(signingKey.privateKey),
      keyId: signingKey.keyId,
      bodies: [
        { walletAddress: 'http://127.0.0.1/bob', incomingAmount: { value: '100', assetCode: 'USD', assetScale: 2 } },
      ],
      requests: LEAN_CREATIONS,
      warmup: WARMUP_CREATIONS,
      concurrency: 10,
      expectStatus: 201,
    });
    const perSecond = load.latenciesMs.length / load.seconds;
    return {
      label: 'ceiling: the same signed load against a bare node:http server doing no work',
      value: perSecond,
      unit: '/s',
      note: `Sluice's creations reach ${((100 * sluicePerSecond) / perSecond).toFixed(0)} % of it`,
    };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function startBenchSluice(label: string, operator: WebhookOperator, env: Record<string, string> = {}) {
  const database = await createBenchDatabase(label);
  const sluice = await startSluice(
    loadConfig({
      DATABASE_URL: database.url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sluice-bench-')),
      OPEN_PAYMENTS_PORT: '0',
      ADMIN_PORT: '0',
      CONNECTOR_PORT: '0',
      AUTH_PORT: '0',
      AUTH_INTROSPECTION_PORT: '0',
      AUTH_INTERACTION_PORT: '0',
      WAIT_SECONDS: '1',
      IDENTITY_SERVER_URL: 'http://127.0.0.1:9/idp',
      WEBHOOK_URL: operator.url,
      LOG_LEVEL: 'warn',
      ...env,
    }),
  );
  return {
    sluice,
    async stop() {
      await sluice.stop();
      await database.dispose();
    },
  };
}

/**
 * Runs PAYMENTS whole payments at `concurrency` from the official SDK in a worker thread (the paying app), each
 * counted complete when the operator's webhook endpoint hears of it; a figure with latency percentiles.
 */
async function measurePayments(
  label: string,
  concurrency: number,
  rafiki: number | undefined,
  operator: WebhookOperator,
  instances: SluiceInstance[],
  job: Omit<PaymentClientJob, 'payments' | 'concurrency' | 'client'>,
  client: PaymentClientJob['client'] = 'signed',
): Promise<BenchFigure> {
  const completion = (paymentId: string) => operator.completion(paymentId);
  let meter: ReturnType<typeof startCpuMeter> | undefined;
  // The ANALYZE is what autovacuum does on a live server within a minute of tables growing, and this run is shorter
  // than that: without it PostgreSQL keeps the plans it made while the tables were empty.
  const result = await runPaymentClient(
    { ...job, client, payments: PAYMENTS, warmup: WARMUP_PAYMENTS, concurrency },
    completion,
    async () => {
      await Promise.all(instances.map((instance) => instance.database.knex.raw('ANALYZE')));
      meter = startCpuMeter();
    },
  );
  const cpu = meter?.perOperation(result.latenciesMs.length);
  const latencies = [...result.latenciesMs].sort((a, b) => a - b);
  const perSecond = latencies.length / result.seconds;
  const stepMedians = PAYMENT_STEPS.map((step, index) => {
    const times = result.stepsMs.map((steps) => steps[index]).sort((a, b) => a - b);
    return `${step} ${percentile(times, 50).toFixed(1)}`;
  });
  return {
    label: `${label}, ${concurrency === 1 ? 'sequential' : `${concurrency} concurrent`}${client === 'sdk' ? ', app on the official SDK' : ''}`,
    value: perSecond,
    unit: '/s',
    note:
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms` +
      (rafiki ? `; Rafiki ${rafiki}/s, ${(perSecond / rafiki).toFixed(1)}×` : '') +
      `; step p50s: ${stepMedians.join(', ')} ms` +
      (cpu ? `; ${cpu}` : ''),
  };
}

export async function run(): Promise<BenchFigure[]> {
  const operator = await startWebhookOperator();
  const figures: BenchFigure[] = [];
  try {
    figures.push(...(await sameCurrency(operator)));
    figures.push(...(await crossCurrency(operator)));
  } finally {
    await operator.close();
  }
  return figures;
}

async function sameCurrency(operator: WebhookOperator): Promise<BenchFigure[]> {
  const { sluice, stop } = await startBenchSluice('open_payments', operator);
  const figures: BenchFigure[] = [];
  try {
    const asset = await sluice.services.connector!.createAsset({ code: 'USD', scale: 2 });
    const alice = await account(sluice, '/alice', asset.id, 10n ** 12n);
    const bob = await account(sluice, '/bob', asset.id, 0n);
    const rs = sluice.publicUrls.openPayments;
    const as = sluice.publicUrls.authServer;
    const incomingToken = await token(alice.client, as, [
      { type: 'incoming-payment', actions: ['create', 'read'], identifier: bob.walletAddress.url },
    ]);

    // Signed incoming-payment creations, 10 concurrent, from a lean client in a worker thread: the server's figure.
    let meter: ReturnType<typeof startCpuMeter> | undefined;
    const load = await runSignedLoad(
      {
        url: `${rs}/incoming-payments`,
        accessToken: incomingToken,
        privateKeyPem: exportPrivateKeyPem(alice.signingKey.privateKey),
        keyId: alice.signingKey.keyId,
        bodies: [
          { walletAddress: bob.walletAddress.url, incomingAmount: { value: '100', assetCode: 'USD', assetScale: 2 } },
        ],
        requests: LEAN_CREATIONS,
        warmup: WARMUP_CREATIONS,
        concurrency: 10,
        expectStatus: 201,
      },
      () => (meter = startCpuMeter()),
    );
    const creationCpu = meter?.perOperation(load.latenciesMs.length);
    const leanLatencies = [...load.latenciesMs].sort((a, b) => a - b);
    figures.push({
      label: 'signed incoming-payment creations (10 concurrent, load from a worker thread)',
      value: leanLatencies.length / load.seconds,
      unit: '/s',
      note:
        `p50 ${percentile(leanLatencies, 50).toFixed(1)} ms, p99 ${percentile(leanLatencies, 99).toFixed(1)} ms; ` +
        `Rafiki 256/s, ${(leanLatencies.length / load.seconds / 256).toFixed(1)}×` +
        (creationCpu ? `; ${creationCpu}` : '') +
        (load.warmupSeconds
          ? `; the ${WARMUP_CREATIONS} warm-up creations before it, from cold: ${(WARMUP_CREATIONS / load.warmupSeconds).toFixed(0)} /s`
          : ''),
    });

    figures.push(await bareServerCeiling(alice.signingKey, load.latenciesMs.length / load.seconds));

    // The same through the official SDK in the server's own process (its client-side cost included).
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next++ < CREATIONS) {
          await alice.client.incomingPayment.create(
            { url: rs, accessToken: incomingToken },
            { walletAddress: bob.walletAddress.url, incomingAmount: { value: '100', assetCode: 'USD', assetScale: 2 } },
          );
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    figures.push({
      label: 'signed incoming-payment creations (10 concurrent, official SDK in process)',
      value: CREATIONS / seconds,
      unit: '/s',
      note: `Rafiki measured at 256/s on this machine; ${(CREATIONS / seconds / 256).toFixed(1)}×`,
    });

    const quoteToken = await token(alice.client, as, [{ type: 'quote', actions: ['create', 'read'] }]);
    const payToken = await outgoingToken(sluice, alice.client, alice.walletAddress.url);

    const payer = {
      walletAddressUrl: alice.walletAddress.url,
      privateKeyPem: exportPrivateKeyPem(alice.signingKey.privateKey),
      keyId: alice.signingKey.keyId,
      incoming: {
        resourceServer: rs,
        accessToken: incomingToken,
        walletAddress: bob.walletAddress.url,
        amount: { value: '123', assetCode: 'USD', assetScale: 2 },
      },
      resourceServer: rs,
      quoteToken,
      outgoingToken: payToken,
    };
    figures.push(await measurePayments('completed payments, same currency', 1, 4.6, operator, [sluice], payer));
    figures.push(await measurePayments('completed payments, same currency', 5, 16, operator, [sluice], payer));
    figures.push(await measurePayments('completed payments, same currency', 1, 4.6, operator, [sluice], payer, 'sdk'));
  } finally {
    await stop();
  }
  return figures;
}

/**
 * Alice (USD, on A) pays Bob (EUR, on B): the incoming payment is created at B with B's grant, A quotes by reading it
 * and probing the path, and the money crosses the ILP-over-HTTP link between the two connectors, converted at A.
 */
async function crossCurrency(operator: WebhookOperator): Promise<BenchFigure[]> {
  const [a, b] = await Promise.all([
    startBenchSluice('op_alpha', operator, { ILP_ADDRESS: 'test.alpha' }),
    startBenchSluice('op_beta', operator, { ILP_ADDRESS: 'test.beta' }),
  ]);
  const figures: BenchFigure[] = [];
  try {
    const usd = await a.sluice.services.connector!.createAsset({ code: 'USD', scale: 2 });
    const aEur = await a.sluice.services.connector!.createAsset({ code: 'EUR', scale: 2 });
    const bEur = await b.sluice.services.connector!.createAsset({ code: 'EUR', scale: 2 });
    const liquidity = await a.sluice.services.connector!.getAssetAccountIds(aEur.id);
    await a.sluice.services.connector!.deposit({
      id: randomUUID(),
      accountId: liquidity!.liquidityAccountId,
      amount: 10n ** 12n,
    });
    await a.sluice.services.connector!.createPeer({
      assetId: aEur.id,
      staticIlpAddress: 'test.beta',
      http: {
        incoming: { authTokens: ['beta-to-alpha'] },
        outgoing: { authToken: 'alpha-to-beta', endpoint: `${b.sluice.urls.connector}/ilp` },
      },
    });
    await b.sluice.services.connector!.createPeer({
      assetId: bEur.id,
      staticIlpAddress: 'test.alpha',
      creditLimit: 10n ** 12n,
      http: {
        incoming: { authTokens: ['alpha-to-beta'] },
        outgoing: { authToken: 'beta-to-alpha', endpoint: `${a.sluice.urls.connector}/ilp` },
      },
    });
    const alice = await account(a.sluice, '/alice', usd.id, 10n ** 12n);
    const bob = await account(b.sluice, '/bob', bEur.id, 0n);
    const incomingToken = await token(alice.client, b.sluice.publicUrls.authServer, [
      { type: 'incoming-payment', actions: ['create', 'read'], identifier: bob.walletAddress.url },
    ]);
    const quoteToken = await token(alice.client, a.sluice.publicUrls.authServer, [
      { type: 'quote', actions: ['create', 'read'] },
    ]);
    const payToken = await outgoingToken(a.sluice, alice.client, alice.walletAddress.url);

    const payer = {
      walletAddressUrl: alice.walletAddress.url,
      privateKeyPem: exportPrivateKeyPem(alice.signingKey.privateKey),
      keyId: alice.signingKey.keyId,
      incoming: {
        resourceServer: b.sluice.publicUrls.openPayments,
        accessToken: incomingToken,
        walletAddress: bob.walletAddress.url,
        amount: { value: '123', assetCode: 'EUR', assetScale: 2 },
      },
      resourceServer: a.sluice.publicUrls.openPayments,
      quoteToken,
      outgoingToken: payToken,
    };
    const label = 'completed payments, USD → EUR across two instances';
    figures.push(await measurePayments(label, 1, undefined, operator, [a.sluice, b.sluice], payer));
    figures.push(await measurePayments(label, 5, undefined, operator, [a.sluice, b.sluice], payer));
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  return figures;
}
