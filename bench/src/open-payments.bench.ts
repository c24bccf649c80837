// End-to-end Open Payments figures on one Sluice (same currency), through the official client SDK over real HTTP:
// signed incoming-payment creations per second (each one introspected and signature-checked), and whole payments
// (incoming payment + quote + outgoing payment + STREAM settlement) per second with create-to-completed latency.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAuthenticatedClient,
  isFinalizedGrantWithAccessToken,
  isPendingGrant,
  type AccessItem,
  type AuthenticatedClient,
} from '@interledger/open-payments';
import { generateEd25519Key } from '@sluice/http-signatures';
import { decideWithIdentityProvider, loadConfig, startSluice, type SluiceInstance } from '@sluice/server';
import type { BenchFigure } from './figure';
import { createBenchDatabase } from './bench-database';

export const name = 'Open Payments (one instance, same currency)';

const CREATIONS = Number(process.env.BENCH_OP_CREATIONS ?? 2000);
const PAYMENTS = Number(process.env.BENCH_OP_PAYMENTS ?? 150);

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
  return { walletAddress, client };
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export async function run(): Promise<BenchFigure[]> {
  const database = await createBenchDatabase('open_payments');
  const config = loadConfig({
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
    LOG_LEVEL: 'warn',
  });
  const sluice = await startSluice(config);
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

    // Signed incoming-payment creations, 10 concurrent.
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
      label: 'signed incoming-payment creations (10 concurrent)',
      value: CREATIONS / seconds,
      unit: '/s',
      note: `Rafiki measured at 256/s on this machine; ${(CREATIONS / seconds / 256).toFixed(1)}×`,
    });

    const quoteToken = await token(alice.client, as, [{ type: 'quote', actions: ['create', 'read'] }]);
    const payToken = await outgoingToken(sluice, alice.client, alice.walletAddress.url);
    const outgoingPayments = sluice.services.resource!.outgoingPayments!;

    /** One whole payment; returns create-to-completed milliseconds. */
    const onePayment = async (): Promise<number> => {
      const t0 = process.hrtime.bigint();
      const incoming = await alice.client.incomingPayment.create(
        { url: rs, accessToken: incomingToken },
        { walletAddress: bob.walletAddress.url, incomingAmount: { value: '123', assetCode: 'USD', assetScale: 2 } },
      );
      const quote = await alice.client.quote.create(
        { url: rs, accessToken: quoteToken },
        { walletAddress: alice.walletAddress.url, receiver: incoming.id, method: 'ilp' },
      );
      const outgoing = await alice.client.outgoingPayment.create(
        { url: rs, accessToken: payToken },
        { walletAddress: alice.walletAddress.url, quoteId: quote.id },
      );
      const id = outgoing.id.split('/').pop() as string;
      for (;;) {
        const payment = await outgoingPayments.get(id);
        if (payment?.state === 'COMPLETED') break;
        if (payment?.state === 'FAILED') throw new Error(`payment failed: ${payment.error}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };

    for (const concurrency of [1, 5]) {
      const latencies: number[] = [];
      let remaining = PAYMENTS;
      const t0 = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (remaining-- > 0) latencies.push(await onePayment());
        }),
      );
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      latencies.sort((a, b) => a - b);
      const rafiki = concurrency === 1 ? 4.6 : 16;
      figures.push({
        label: `completed payments, ${concurrency === 1 ? 'sequential' : `${concurrency} concurrent`}`,
        value: latencies.length / elapsed,
        unit: '/s',
        note: `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; Rafiki ${rafiki}/s, ${(latencies.length / elapsed / rafiki).toFixed(1)}×`,
      });
    }
  } finally {
    await sluice.stop();
    await database.dispose();
  }
  return figures;
}
