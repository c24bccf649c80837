// Two live Sluice instances, each with its own database, peered over ILP over HTTP in two currencies: Alice (USD, at
// A) pays Bob (EUR, at B) with the official SDK. A quotes by reading B's incoming payment with its own grant, and the
// money crosses the ILP-over-HTTP link, converted at A.
import { randomUUID } from 'node:crypto';
import { isPendingGrant, type AuthenticatedClient } from '@interledger/open-payments';
import type { SluiceInstance } from '@sluice/server';
import {
  approveInteraction,
  continueGrant,
  createAccount,
  depositAssetLiquidity,
  ensureAsset,
  eventually,
  peerInstances,
  startTestSluice,
  type TestAccount,
} from '../../../test-support';

async function token(
  client: AuthenticatedClient,
  authServer: string,
  access: Parameters<AuthenticatedClient['grant']['request']>[1],
) {
  const grant = await client.grant.request({ url: authServer }, access);
  if (isPendingGrant(grant) || !('access_token' in grant) || !grant.access_token) throw new Error('expected a token');
  return grant.access_token.value;
}

describe('two Sluice instances peered over ILP over HTTP', () => {
  let a: SluiceInstance;
  let b: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    const options = { WAIT_SECONDS: '1', IDENTITY_SERVER_URL: 'http://127.0.0.1:9/idp' };
    [a, b] = await Promise.all([
      startTestSluice({ ...options, ILP_ADDRESS: 'test.alpha' }),
      startTestSluice({ ...options, ILP_ADDRESS: 'test.beta' }),
    ]);
    alice = await createAccount(a, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 100_000n });
    bob = await createAccount(b, { path: '/bob', assetCode: 'EUR', assetScale: 2 });
    // A and B settle in EUR: A converts its customers' USD and pays from its EUR liquidity; B extends A credit.
    await depositAssetLiquidity(a, await ensureAsset(a, 'EUR', 2), 1_000_000n);
    await peerInstances(a, b, { assetCode: 'EUR', assetScale: 2, credit: 1_000_000n });
  });
  afterAll(() => Promise.all([a.stop(), b.stop()]));

  // 1.23 EUR: small enough that the exchange's rounding decides whether the last cent can be delivered.
  it.each(['2000', '123'])(
    'pays %s EUR cents on the other instance, across currencies, exactly as quoted',
    async (value) => {
      const client = alice.client;
      const bobWallet = await client.walletAddress.get({ url: bob.walletAddress.url });
      const aliceWallet = await client.walletAddress.get({ url: alice.walletAddress.url });
      expect(bobWallet.authServer).toBe(b.publicUrls.authServer);

      const incomingToken = await token(client, bobWallet.authServer, {
        access_token: { access: [{ type: 'incoming-payment', actions: ['create', 'read'], identifier: bobWallet.id }] },
      });
      const incoming = await client.incomingPayment.create(
        { url: bobWallet.resourceServer, accessToken: incomingToken },
        { walletAddress: bobWallet.id, incomingAmount: { value, assetCode: 'EUR', assetScale: 2 } },
      );
      expect(incoming.methods[0].ilpAddress).toMatch(/^test\.beta\.bob\./);

      const quoteToken = await token(client, aliceWallet.authServer, {
        access_token: { access: [{ type: 'quote', actions: ['create', 'read'] }] },
      });
      const quote = await client.quote.create(
        { url: aliceWallet.resourceServer, accessToken: quoteToken },
        { walletAddress: aliceWallet.id, receiver: incoming.id, method: 'ilp' },
      );
      expect(quote.receiveAmount).toEqual({ value, assetCode: 'EUR', assetScale: 2 });
      expect(quote.debitAmount.assetCode).toBe('USD');
      // The probe's rate is kept as the quote's estimatedExchangeRate (EUR cents per USD cent: 1 / 1.08 in the default
      // table, less any spread); the payment may accept 1 % less.
      const stored = await a.services.resource!.quotes!.get(quote.id.slice(quote.id.lastIndexOf('/') + 1));
      const estimated = stored!.estimatedExchangeRate!;
      expect(Number(estimated.numerator) / Number(estimated.denominator)).toBeGreaterThan(0.85);
      expect(Number(estimated.numerator) / Number(estimated.denominator)).toBeLessThanOrEqual(1 / 1.08);
      expect(stored!.minExchangeRate.numerator * estimated.denominator * 100n).toBe(
        estimated.numerator * stored!.minExchangeRate.denominator * 99n,
      );

      const pending = await client.grant.request(
        { url: aliceWallet.authServer },
        {
          access_token: {
            access: [{ type: 'outgoing-payment', actions: ['create', 'read'], identifier: aliceWallet.id }],
          },
          interact: {
            start: ['redirect'],
            finish: { method: 'redirect', uri: 'https://client.example/done', nonce: randomUUID() },
          },
        },
      );
      if (!isPendingGrant(pending)) throw new Error('expected an interactive grant');
      const { interactRef } = await approveInteraction(a, pending);
      const outgoingToken = await continueGrant(client, pending, interactRef as string);
      const outgoing = await client.outgoingPayment.create(
        { url: aliceWallet.resourceServer, accessToken: outgoingToken },
        { walletAddress: aliceWallet.id, quoteId: quote.id },
      );

      const received = await eventually(async () => {
        const current = await client.incomingPayment.get({ url: incoming.id, accessToken: incomingToken });
        return current.completed ? current : undefined;
      }, 30_000);
      expect(received.receivedAmount).toEqual({ value, assetCode: 'EUR', assetScale: 2 });
      const sent = await eventually(async () => {
        const current = await client.outgoingPayment.get({ url: outgoing.id, accessToken: outgoingToken });
        return current.sentAmount.value !== '0' ? current : undefined;
      });
      expect(BigInt(sent.sentAmount.value)).toBeLessThanOrEqual(BigInt(quote.debitAmount.value));
      expect(await a.services.connector!.verifyLedger()).toEqual([]);
      expect(await b.services.connector!.verifyLedger()).toEqual([]);
    },
    90_000,
  );
});
