// `npm run demo`: starts Sluice on a throw-away embedded database and makes a real cross-currency Open Payments
// payment between two wallet addresses with the official client SDK, printing each step. Exits 0 when Bob received
// exactly what the quote promised.
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
import { loadConfig } from './config';
import { acceptOnConsentPage } from './consent-driver';
import { createLogger } from './logger';
import { startSluice, type SluiceInstance } from './sluice';

const step = (text: string) => console.log(`\n▸ ${text}`);
const detail = (text: string) => console.log(`    ${text}`);
/** `1234` at scale 2 → `12.34 USD`, from the decimal string: amounts never pass through a float. */
const money = (amount: { value: string; assetCode: string; assetScale: number }) => {
  const digits = amount.value.padStart(amount.assetScale + 1, '0');
  const whole = digits.slice(0, digits.length - amount.assetScale);
  const fraction = amount.assetScale > 0 ? `.${digits.slice(digits.length - amount.assetScale)}` : '';
  return `${whole}${fraction} ${amount.assetCode}`;
};

async function createWallet(sluice: SluiceInstance, path: string, code: string, publicName: string) {
  const connector = sluice.services.connector!;
  const resource = sluice.services.resource!;
  const assets = await connector.listAssets({ first: 100 });
  const asset = assets.items.find((item) => item.code === code) ?? (await connector.createAsset({ code, scale: 2 }));
  const walletAddress = await resource.walletAddresses.create({ address: path, assetId: asset.id, publicName });
  const { signingKey, publicJwk } = generateEd25519Key(`${path.slice(1)}-key`);
  await resource.keys.add(walletAddress.id, publicJwk);
  return { walletAddress, signingKey, assetId: asset.id };
}

async function tokenFor(client: AuthenticatedClient, authServer: string, access: AccessItem[]): Promise<string> {
  const grant = await client.grant.request({ url: authServer }, { access_token: { access } });
  if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a grant with an access token');
  return grant.access_token.value;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: 'pglite://memory',
    DATA_DIR: dataDir,
    OPEN_PAYMENTS_PORT: '0',
    ADMIN_PORT: '0',
    CONNECTOR_PORT: '0',
    AUTH_PORT: '0',
    AUTH_INTROSPECTION_PORT: '0',
    AUTH_INTERACTION_PORT: '0',
    WAIT_SECONDS: '1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    IDENTITY_SERVER_URL: '',
  });
  step('Starting Sluice on an embedded database');
  const sluice = await startSluice(config, { logger: createLogger(config.logLevel) });
  try {
    for (const [name, url] of Object.entries(sluice.urls)) detail(`${name.padEnd(20)} ${url}`);

    step('Creating two wallet addresses in different currencies');
    const alice = await createWallet(sluice, '/alice', 'USD', 'Alice');
    const bob = await createWallet(sluice, '/bob', 'EUR', 'Bob');
    const connector = sluice.services.connector!;
    const aliceAccount = await sluice.services.walletAddressAccountId!(alice.walletAddress);
    await connector.deposit({ id: randomUUID(), accountId: aliceAccount, amount: 100_00n });
    const eurLiquidity = (await connector.getAssetAccountIds(bob.assetId))!.liquidityAccountId;
    await connector.deposit({ id: randomUUID(), accountId: eurLiquidity, amount: 1_000_000_00n });
    detail(`${alice.walletAddress.url} (USD), balance 100.00 USD`);
    detail(`${bob.walletAddress.url} (EUR)`);

    const client = await createAuthenticatedClient({
      walletAddressUrl: alice.walletAddress.url,
      privateKey: alice.signingKey.privateKey,
      keyId: alice.signingKey.keyId,
      validateResponses: true,
    });
    const aliceWallet = await client.walletAddress.get({ url: alice.walletAddress.url });
    const bobWallet = await client.walletAddress.get({ url: bob.walletAddress.url });

    step("Incoming payment at Bob's wallet (grant without interaction)");
    const incomingToken = await tokenFor(client, bobWallet.authServer, [
      { type: 'incoming-payment', actions: ['create', 'read'], identifier: bobWallet.id },
    ]);
    const incoming = await client.incomingPayment.create(
      { url: bobWallet.resourceServer, accessToken: incomingToken },
      { walletAddress: bobWallet.id, incomingAmount: { value: '2500', assetCode: 'EUR', assetScale: 2 } },
    );
    detail(`${incoming.id} for ${money(incoming.incomingAmount!)}`);

    step("Quote from Alice's wallet");
    const quoteToken = await tokenFor(client, aliceWallet.authServer, [{ type: 'quote', actions: ['create', 'read'] }]);
    const quote = await client.quote.create(
      { url: aliceWallet.resourceServer, accessToken: quoteToken },
      { walletAddress: aliceWallet.id, receiver: incoming.id, method: 'ilp' },
    );
    detail(`debit ${money(quote.debitAmount)} → receive ${money(quote.receiveAmount)}, valid until ${quote.expiresAt}`);

    step('Outgoing-payment grant, approved on the built-in consent page');
    const pending = await client.grant.request(
      { url: aliceWallet.authServer },
      {
        access_token: {
          access: [
            {
              type: 'outgoing-payment',
              actions: ['create', 'read'],
              identifier: aliceWallet.id,
              limits: { debitAmount: quote.debitAmount },
            },
          ],
        },
        interact: {
          start: ['redirect'],
          finish: { method: 'redirect', uri: 'https://demo.invalid/done', nonce: randomUUID() },
        },
      },
    );
    if (!isPendingGrant(pending)) throw new Error('expected the grant to need consent');
    const { interactRef } = await acceptOnConsentPage(pending.interact.redirect, sluice.secrets.idpSecret);
    if (!interactRef) throw new Error('consent was not given');
    detail('consent given on the built-in consent page');
    await new Promise((resolve) => setTimeout(resolve, (pending.continue.wait ?? 0) * 1000));
    const continued = await client.grant.continue(
      { url: pending.continue.uri, accessToken: pending.continue.access_token.value },
      { interact_ref: interactRef },
    );
    if (!isFinalizedGrantWithAccessToken(continued)) throw new Error('consent gave no access token');
    detail('access token issued');

    step('Outgoing payment, settled over STREAM through the connector');
    const started = Date.now();
    const outgoing = await client.outgoingPayment.create(
      { url: aliceWallet.resourceServer, accessToken: continued.access_token.value },
      { walletAddress: aliceWallet.id, quoteId: quote.id },
    );
    detail(`${outgoing.id}`);
    let received = await client.incomingPayment.get({ url: incoming.id, accessToken: incomingToken });
    while (!received.completed && Date.now() - started < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      received = await client.incomingPayment.get({ url: incoming.id, accessToken: incomingToken });
    }
    const sent = await client.outgoingPayment.get({ url: outgoing.id, accessToken: continued.access_token.value });
    detail(
      `sent ${money(sent.sentAmount)}, Bob received ${money(received.receivedAmount)} in ${Date.now() - started} ms`,
    );
    if (!received.completed || received.receivedAmount.value !== quote.receiveAmount.value) {
      throw new Error('Bob did not receive the quoted amount');
    }
    step('Done: Bob received exactly the quoted amount.');
  } finally {
    await sluice.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('\nDemo failed:', error);
    process.exit(1);
  },
);
