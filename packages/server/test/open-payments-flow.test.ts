// The whole Open Payments flow, driven by the official client SDK (responses validated against its OpenAPI
// documents) against one live Sluice: grants, incoming payment, quote, interactive outgoing-payment grant, outgoing
// payment, STREAM settlement over the connector, completion.
import { createHash } from 'node:crypto';
import {
  isFinalizedGrantWithAccessToken,
  isPendingGrant,
  type AccessItem,
  type AuthenticatedClient,
} from '@interledger/open-payments';
import type { SluiceInstance } from '@sluice/server';
import {
  approveInteraction,
  continueGrant,
  createAccount,
  depositAssetLiquidity,
  eventually,
  startTestSluice,
  type TestAccount,
} from '../../../test-support';

async function nonInteractiveToken(
  client: AuthenticatedClient,
  authServer: string,
  access: AccessItem[],
): Promise<string> {
  const grant = await client.grant.request({ url: authServer }, { access_token: { access } });
  if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a non-interactive grant with a token');
  return grant.access_token.value;
}

describe('Open Payments flow with the official SDK', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    sluice = await startTestSluice({ WAIT_SECONDS: '1', IDENTITY_SERVER_URL: 'http://127.0.0.1:9/idp' });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 100_000n });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
  });
  afterAll(() => sluice.stop());

  it('pays an incoming payment end to end and the receiver gets exactly the quoted amount', async () => {
    const aliceWallet = await alice.client.walletAddress.get({ url: alice.walletAddress.url });
    const bobWallet = await alice.client.walletAddress.get({ url: bob.walletAddress.url });
    expect(bobWallet).toMatchObject({ assetCode: 'USD', assetScale: 2, authServer: sluice.publicUrls.authServer });

    // The payee side: an incoming payment for $12.34 at Bob.
    const incomingToken = await nonInteractiveToken(alice.client, bobWallet.authServer, [
      { type: 'incoming-payment', actions: ['create', 'read'], identifier: bobWallet.id },
    ]);
    const incoming = await alice.client.incomingPayment.create(
      { url: bobWallet.resourceServer, accessToken: incomingToken },
      { walletAddress: bobWallet.id, incomingAmount: { value: '1234', assetCode: 'USD', assetScale: 2 } },
    );
    expect(incoming.methods[0]).toMatchObject({
      type: 'ilp',
      ilpAddress: expect.stringMatching(/^test\.sluice\.bob\./),
    });

    // The payer side: a quote, then an interactive outgoing-payment grant limited to the quoted debit amount.
    const quoteToken = await nonInteractiveToken(alice.client, aliceWallet.authServer, [
      { type: 'quote', actions: ['create', 'read'] },
    ]);
    const quote = await alice.client.quote.create(
      { url: aliceWallet.resourceServer, accessToken: quoteToken },
      { walletAddress: aliceWallet.id, receiver: incoming.id, method: 'ilp' },
    );
    expect(quote.receiveAmount).toEqual({ value: '1234', assetCode: 'USD', assetScale: 2 });
    expect(BigInt(quote.debitAmount.value)).toBeGreaterThanOrEqual(1234n);

    const clientNonce = 'nonce-for-the-finish-hash';
    const pending = await alice.client.grant.request(
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
          finish: { method: 'redirect', uri: 'https://client.example/done', nonce: clientNonce },
        },
      },
    );
    if (!isPendingGrant(pending)) throw new Error('expected an interactive grant');
    const { interactRef, hash } = await approveInteraction(sluice, pending);
    const expectedHash = createHash('sha256')
      .update(`${clientNonce}\n${pending.interact.finish}\n${interactRef}\n${new URL(aliceWallet.authServer).href}`)
      .digest('base64');
    expect(hash).toBe(expectedHash);
    const outgoingToken = await continueGrant(alice.client, pending, interactRef as string);

    const outgoing = await alice.client.outgoingPayment.create(
      { url: aliceWallet.resourceServer, accessToken: outgoingToken },
      { walletAddress: aliceWallet.id, quoteId: quote.id },
    );
    expect(outgoing).toMatchObject({ receiver: incoming.id, debitAmount: quote.debitAmount, failed: false });
    expect(outgoing.grantSpentDebitAmount).toEqual(quote.debitAmount);

    const done = await eventually(async () => {
      const current = await alice.client.outgoingPayment.get({ url: outgoing.id, accessToken: outgoingToken });
      return current.sentAmount.value !== '0' && !current.failed ? current : undefined;
    });
    expect(done.failed).toBe(false);
    const received = await eventually(async () => {
      const current = await alice.client.incomingPayment.get({ url: incoming.id, accessToken: incomingToken });
      return current.completed ? current : undefined;
    });
    expect(received.receivedAmount).toEqual(quote.receiveAmount);

    // The operator's events carry the payment as stored: created, then completed with what was sent.
    const paymentId = outgoing.id.split('/').pop() as string;
    const completed = await eventually(async () => {
      const event = await sluice.database
        .knex('webhook_events')
        .where('type', 'outgoing_payment.completed')
        .whereRaw(`data->>'id' = ?`, [paymentId])
        .first();
      return event ?? undefined;
    });
    const row = await sluice.database.knex('outgoing_payments').where('id', paymentId).first();
    expect(completed.data).toMatchObject({
      id: paymentId,
      state: 'COMPLETED',
      sentAmount: { value: String(row.sent_amount) },
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    });
    const created = await sluice.database
      .knex('webhook_events')
      .where('type', 'outgoing_payment.created')
      .whereRaw(`data->>'id' = ?`, [paymentId])
      .first();
    expect(created.data).toMatchObject({ state: 'SENDING', createdAt: row.created_at.toISOString() });

    // The second use of the same quote is refused, and the grant limit is spent.
    await expect(
      alice.client.outgoingPayment.create(
        { url: aliceWallet.resourceServer, accessToken: outgoingToken },
        { walletAddress: aliceWallet.id, quoteId: quote.id },
      ),
    ).rejects.toMatchObject({ status: 400 });
  }, 60_000);

  it('pays across currencies: USD debited, EUR received at the quoted amount', async () => {
    const carol = await createAccount(sluice, { path: '/carol', assetCode: 'EUR', assetScale: 2 });
    await depositAssetLiquidity(sluice, carol.walletAddress.assetId, 1_000_000n);
    const aliceWallet = await alice.client.walletAddress.get({ url: alice.walletAddress.url });
    const incomingToken = await nonInteractiveToken(alice.client, aliceWallet.authServer, [
      { type: 'incoming-payment', actions: ['create', 'read'], identifier: carol.walletAddress.url },
    ]);
    const incoming = await alice.client.incomingPayment.create(
      { url: aliceWallet.resourceServer, accessToken: incomingToken },
      { walletAddress: carol.walletAddress.url, incomingAmount: { value: '5000', assetCode: 'EUR', assetScale: 2 } },
    );
    const quoteToken = await nonInteractiveToken(alice.client, aliceWallet.authServer, [
      { type: 'quote', actions: ['create', 'read'] },
    ]);
    const quote = await alice.client.quote.create(
      { url: aliceWallet.resourceServer, accessToken: quoteToken },
      { walletAddress: aliceWallet.id, receiver: incoming.id, method: 'ilp' },
    );
    expect(quote.receiveAmount).toEqual({ value: '5000', assetCode: 'EUR', assetScale: 2 });
    // 50.00 EUR at the default table (1 EUR = 1.08 USD), plus 1 % slippage: about 54.55 USD.
    expect(quote.debitAmount.assetCode).toBe('USD');
    expect(Number(quote.debitAmount.value)).toBeGreaterThan(5400);
    expect(Number(quote.debitAmount.value)).toBeLessThan(5600);

    const pending = await alice.client.grant.request(
      { url: aliceWallet.authServer },
      {
        access_token: {
          access: [{ type: 'outgoing-payment', actions: ['create', 'read'], identifier: aliceWallet.id }],
        },
        interact: {
          start: ['redirect'],
          finish: { method: 'redirect', uri: 'https://client.example/done', nonce: 'n2' },
        },
      },
    );
    if (!isPendingGrant(pending)) throw new Error('expected an interactive grant');
    const { interactRef } = await approveInteraction(sluice, pending);
    const outgoingToken = await continueGrant(alice.client, pending, interactRef as string);
    const aliceAccount = await sluice.services.walletAddressAccountId!(alice.walletAddress);
    const balanceBefore = (await sluice.services.connector!.getBalance(aliceAccount)).balance;
    const outgoing = await alice.client.outgoingPayment.create(
      { url: aliceWallet.resourceServer, accessToken: outgoingToken },
      { walletAddress: aliceWallet.id, quoteId: quote.id },
    );
    const received = await eventually(async () => {
      const current = await alice.client.incomingPayment.get({ url: incoming.id, accessToken: incomingToken });
      return current.completed ? current : undefined;
    });
    expect(received.receivedAmount).toEqual({ value: '5000', assetCode: 'EUR', assetScale: 2 });
    const paid = await eventually(async () => {
      const row = await sluice.database.knex('outgoing_payments').where('id', outgoing.id.split('/').pop()).first();
      return row.state === 'COMPLETED' ? row : undefined;
    });
    // Whatever the better-than-minimum rate left unsent went back to Alice's balance; the payment account keeps the fee.
    expect(BigInt(paid.sent_amount)).toBeLessThan(BigInt(quote.debitAmount.value));
    const { fee_amount: fee } = await sluice.database.knex('quotes').where('id', quote.id.split('/').pop()).first();
    const balanceAfter = (await sluice.services.connector!.getBalance(aliceAccount)).balance;
    expect(balanceBefore - balanceAfter).toBe(BigInt(paid.sent_amount) + BigInt(fee));
    expect((await sluice.services.connector!.getBalance(paid.ledger_account_id)).balance).toBe(BigInt(fee));
    const violations = await sluice.services.connector!.verifyLedger();
    expect(violations).toEqual([]);
  }, 60_000);
});
