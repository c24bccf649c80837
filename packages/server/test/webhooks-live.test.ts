// The operator's view of a payment: with WEBHOOK_URL set, a live endpoint receives each event of a payment once,
// signed the way Rafiki signs (so a Rafiki webhook handler accepts it), including the events written already claimed
// by this process (outgoing_payment.created and .completed) and handed to its delivery when their statement commits.
import { randomUUID } from 'node:crypto';
import { isPendingGrant } from '@interledger/open-payments';
import type { SluiceInstance } from '@sluice/server';
import {
  approveInteraction,
  continueGrant,
  createAccount,
  depositAssetLiquidity,
  ensureAsset,
  eventually,
  grantToken,
  loadWebhookDocument,
  startWebhookOperatorEndpoint,
  type ReceivedWebhookEvent,
  type WebhookOperatorEndpoint,
  startTestSluice,
  type TestAccount,
} from '../../../test-support';

const SECRET = 'operator-webhook-secret';

const document = loadWebhookDocument();

describe('webhooks to a live operator endpoint', () => {
  let operator: WebhookOperatorEndpoint;
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    operator = await startWebhookOperatorEndpoint(SECRET);
    sluice = await startTestSluice({
      WAIT_SECONDS: '1',
      IDENTITY_SERVER_URL: 'http://127.0.0.1:9/idp',
      WEBHOOK_URL: operator.url,
      WEBHOOK_SECRET: SECRET,
    });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 100_000n });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
  });
  afterAll(async () => {
    await sluice.stop();
    await operator.close();
  });

  it('delivers each event of a payment once, signed, and marks them delivered', async () => {
    const rs = sluice.publicUrls.openPayments;
    const as = sluice.publicUrls.authServer;
    const incomingToken = await grantToken(alice.client, as, {
      access: [{ type: 'incoming-payment', actions: ['create', 'read'], identifier: bob.walletAddress.url }],
    });
    const incoming = await alice.client.incomingPayment.create(
      { url: rs, accessToken: incomingToken },
      { walletAddress: bob.walletAddress.url, incomingAmount: { value: '250', assetCode: 'USD', assetScale: 2 } },
    );
    const quoteToken = await grantToken(alice.client, as, { access: [{ type: 'quote', actions: ['create'] }] });
    const quote = await alice.client.quote.create(
      { url: rs, accessToken: quoteToken },
      { walletAddress: alice.walletAddress.url, receiver: incoming.id, method: 'ilp' },
    );
    const pending = await alice.client.grant.request(
      { url: as },
      {
        access_token: {
          access: [{ type: 'outgoing-payment', actions: ['create'], identifier: alice.walletAddress.url }],
        },
        interact: {
          start: ['redirect'],
          finish: { method: 'redirect', uri: 'https://client.example/done', nonce: randomUUID() },
        },
      },
    );
    if (!isPendingGrant(pending)) throw new Error('expected an interactive grant');
    const { interactRef } = await approveInteraction(sluice, pending);
    const outgoingToken = await continueGrant(alice.client, pending, interactRef as string);
    const outgoing = await alice.client.outgoingPayment.create(
      { url: rs, accessToken: outgoingToken },
      { walletAddress: alice.walletAddress.url, quoteId: quote.id },
    );
    const incomingId = incoming.id.split('/').pop() as string;
    const outgoingId = outgoing.id.split('/').pop() as string;
    const ours = () => operator.received.filter((event) => [incomingId, outgoingId].includes(event.data.id as string));
    const byTypeOf = (type: string) => ours().find((event) => event.type === type) as ReceivedWebhookEvent;

    await eventually(async () =>
      ours().some((event) => event.type === 'outgoing_payment.completed') ? true : undefined,
    );
    // The incoming payment's created event goes out at the next poll (it is not announced); wait for all four.
    await eventually(async () => (ours().length >= 4 ? true : undefined));
    // Nothing more arrives later: each was delivered once.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(
      ours()
        .map((event) => event.type)
        .sort(),
    ).toEqual([
      'incoming_payment.completed',
      'incoming_payment.created',
      'outgoing_payment.completed',
      'outgoing_payment.created',
    ]);
    expect(ours().every((event) => event.signed)).toBe(true);
    // Each as openapi/webhooks.yaml describes it.
    expect(ours().map(({ signed: _signed, ...event }) => document.problems(event))).toEqual(Array(4).fill([]));
    // (The document does refuse what it does not describe.)
    const { signed: _signed, ...created } = byTypeOf('outgoing_payment.created');
    const { balance: _balance, ...withoutBalance } = created.data;
    expect(document.problems({ ...created, data: withoutBalance })).not.toEqual([]);
    expect(document.problems({ ...created, type: 'outgoing_payment.made_up' })).not.toEqual([]);

    expect(byTypeOf('outgoing_payment.created').data).toMatchObject({
      id: outgoingId,
      state: 'SENDING',
      debitAmount: quote.debitAmount,
      sentAmount: { value: '0', assetCode: 'USD', assetScale: 2 },
      grantId: expect.any(String),
      // Rafiki's `balance`: what the payment's account holds, here funded with the debit amount at creation.
      balance: quote.debitAmount.value,
    });
    const row = await sluice.database.knex('outgoing_payments').where('id', outgoingId).first();
    const account = await sluice.database.knex('ledger_accounts').where('id', row.ledger_account_id).first();
    expect(byTypeOf('outgoing_payment.completed').data).toMatchObject({
      id: outgoingId,
      state: 'COMPLETED',
      sentAmount: { value: String(row.sent_amount), assetCode: 'USD', assetScale: 2 },
      updatedAt: row.updated_at.toISOString(),
      // What the account still holds once the unsent rest (the slippage margin) went back to the wallet: its fee.
      balance: String(account.balance),
    });
    expect(byTypeOf('incoming_payment.completed').data).toMatchObject({
      id: incomingId,
      completed: true,
      receivedAmount: { value: '250', assetCode: 'USD', assetScale: 2 },
    });
    // The log records each as delivered on its first attempt.
    const log = await sluice.database.knex('webhook_events').whereIn(
      'id',
      ours().map((event) => event.id),
    );
    expect(
      log.map((event) => ({ attempts: event.attempts, status: event.status_code, delivered: !!event.delivered_at })),
    ).toEqual(Array(4).fill({ attempts: 1, status: 200, delivered: true }));
  }, 60_000);
  it('keeps a payment going while the connector lacks liquidity, and completes it once the operator adds some', async () => {
    const resource = sluice.services.resource!;
    // Euros for Carol, and none of the connector's own to convert Alice's dollars into: every packet is refused with
    // T04 (temporary) until the operator deposits euro liquidity.
    const carol = await createAccount(sluice, { path: '/carol', assetCode: 'EUR', assetScale: 2 });
    const quote = await resource.quotes!.create({
      walletAddress: alice.walletAddress,
      receiver: carol.walletAddress.url,
      receiveAmount: { value: '400', assetCode: 'EUR', assetScale: 2 },
    });
    const sent = jest.spyOn(sluice.services.connector!, 'sendPrepare');
    let payment;
    try {
      ({ payment } = await resource.outgoingPayments!.createFromQuote({
        walletAddress: alice.walletAddress,
        quoteId: quote.id,
      }));
      await eventually(async () => (sent.mock.calls.length >= 8 ? true : undefined));
      // Still sending after several refusals: the sender's smaller retries never went below a packet that can meet its
      // minimum, so a lack of liquidity did not pass for a dropped rate (which would have failed the payment).
      expect((await resource.outgoingPayments!.get(payment.id))?.state).toBe('SENDING');
    } finally {
      sent.mockRestore();
    }
    await depositAssetLiquidity(sluice, await ensureAsset(sluice, 'EUR', 2), 100_000n);
    const completed = await eventually(
      async () =>
        operator.received.find((event) => event.type === 'outgoing_payment.completed' && event.data.id === payment.id),
      20_000,
    );
    const { signed, ...event } = completed;
    expect(signed).toBe(true);
    expect(document.problems(event)).toEqual([]);
    expect(operator.received.filter((e) => e.type === 'outgoing_payment.failed' && e.data.id === payment.id)).toEqual(
      [],
    );
    const received = await resource.incomingPayments.get(quote.receiver.split('/').pop() as string);
    expect(received?.receivedAmount.value).toBe(400n);
  }, 60_000);
  it('retries an attempt a connector refused with a relative error, telling the operator of the failed attempt', async () => {
    const connector = sluice.services.connector!;
    const forward = connector.sendPrepare.bind(connector);
    // The first money packet times out on the way (R00, as from a slow hop); everything else goes through.
    let refused = false;
    const sent = jest.spyOn(connector, 'sendPrepare').mockImplementation(async (accountId, prepare, options) => {
      if (refused || options?.unfulfillable || prepare.amount === 0n) return forward(accountId, prepare, options);
      refused = true;
      return { code: 'R00', triggeredBy: 'test.sluice.slow-hop', message: 'transfer timed out', data: Buffer.alloc(0) };
    });
    try {
      const resource = sluice.services.resource!;
      const quote = await resource.quotes!.create({
        walletAddress: alice.walletAddress,
        receiver: bob.walletAddress.url,
        receiveAmount: { value: '321', assetCode: 'USD', assetScale: 2 },
      });
      const { payment } = await resource.outgoingPayments!.createFromQuote({
        walletAddress: alice.walletAddress,
        quoteId: quote.id,
      });
      const of = (type: string) => () =>
        Promise.resolve(operator.received.find((event) => event.type === type && event.data.id === payment.id));
      const failedAttempt = await eventually(of('outgoing_payment.attempt_failed'));
      const completed = await eventually(of('outgoing_payment.completed'));
      expect(failedAttempt.data).toMatchObject({
        state: 'SENDING',
        stateAttempts: 1,
        rejectCode: 'R00',
        triggeredBy: 'test.sluice.slow-hop',
        balance: quote.debitAmount.value.toString(),
      });
      for (const { signed, ...event } of [failedAttempt, completed]) {
        expect(signed).toBe(true);
        expect(document.problems(event)).toEqual([]);
      }
      // Sent on the second attempt, once: the receiver got exactly what was quoted.
      const done = await resource.outgoingPayments!.get(payment.id);
      expect(done).toMatchObject({ state: 'COMPLETED', attempts: 2 });
      const received = await resource.incomingPayments.get(quote.receiver.split('/').pop() as string);
      expect(received?.receivedAmount.value).toBe(321n);
      expect(await connector.verifyLedger()).toEqual([]);
    } finally {
      sent.mockRestore();
    }
  }, 60_000);
  it("tells the operator once when an asset's liquidity is below its threshold", async () => {
    const asset = await sluice.services.connector!.createAsset({ code: 'GBP', scale: 2, liquidityThreshold: 5_000n });
    // Nothing deposited: low from the start; the connector compares every few seconds.
    const alert = await eventually(async () =>
      operator.received.find((event) => event.type === 'asset.liquidity_low' && event.data.id === asset.id),
    );
    const { signed, ...event } = alert;
    expect(signed).toBe(true);
    expect(event.data).toEqual({
      id: asset.id,
      asset: { id: asset.id, code: 'GBP', scale: 2 },
      liquidityThreshold: '5000',
      balance: '0',
    });
    expect(document.problems(event)).toEqual([]);
    // Still low at the next checks: not told again.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(operator.received.filter((e) => e.type === 'asset.liquidity_low' && e.data.id === asset.id)).toHaveLength(1);
  }, 60_000);
});
