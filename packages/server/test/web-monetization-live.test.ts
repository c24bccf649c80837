// Web Monetization with webhook funding, end to end as a Rafiki operator runs it: a reference sender pays Bob's
// wallet address over SPSP and ILP over HTTP; Sluice announces it (wallet_address.web_monetization) to a live operator
// endpoint whose handler, written for Rafiki, withdraws it with createWalletAddressWithdrawal — and gets exactly that
// money, not what Bob's incoming payment received meanwhile, which the operator withdraws on its own event.
import { randomUUID } from 'node:crypto';
import { closeConnection, pay, setupPayment, startQuote } from '@interledger/pay';
import type { SluiceInstance } from '@sluice/server';
import {
  adminGraphql,
  createAccount,
  eventually,
  ilpOverHttpPlugin,
  loadWebhookDocument,
  querySpsp,
  startTestSluice,
  startWebhookOperatorEndpoint,
  type ReceivedWebhookEvent,
  type TestAccount,
  type WebhookOperatorEndpoint,
} from '../../../test-support';

const SECRET = 'operator-webhook-secret';

describe('Web Monetization to a live operator (webhook funding)', () => {
  let sluice: SluiceInstance;
  let operator: WebhookOperatorEndpoint;
  let bob: TestAccount;
  /** What the operator's handler got back from the admin API, by event id. */
  const handled = new Map<string, Record<string, unknown>>();

  async function graphql(query: string, input: Record<string, unknown>) {
    const { data, errors } = await adminGraphql(sluice, query, { input });
    return errors ? { data, errors } : { data };
  }

  // The operator's handler, as Rafiki's example account servicing entity writes it.
  /** Whether the handler withdraws Web Monetization by the event (Rafiki's older withdrawEventLiquidity). */
  let byEvent = false;

  async function handle(event: ReceivedWebhookEvent): Promise<void> {
    const call = operatorCallFor(event);
    if (call) handled.set(event.id, await graphql(call.mutation, call.input));
  }

  function operatorCallFor(
    event: ReceivedWebhookEvent,
  ): { mutation: string; input: Record<string, unknown> } | undefined {
    if (event.type === 'wallet_address.web_monetization' && byEvent) {
      return {
        mutation: `mutation ($input: WithdrawEventLiquidityInput!) { withdrawEventLiquidity(input: $input) { success } }`,
        input: { eventId: event.id, idempotencyKey: randomUUID() },
      };
    }
    if (event.type === 'wallet_address.web_monetization') {
      const walletAddress = event.data.walletAddress as { id: string };
      return {
        mutation: `mutation ($input: CreateWalletAddressWithdrawalInput!) {
          createWalletAddressWithdrawal(input: $input) { withdrawal { id amount walletAddress { id } } }
        }`,
        input: { id: randomUUID(), walletAddressId: walletAddress.id, idempotencyKey: randomUUID(), timeoutSeconds: 0 },
      };
    }
    if (event.type === 'incoming_payment.completed') {
      return {
        mutation: `mutation ($input: CreateIncomingPaymentWithdrawalInput!) {
          createIncomingPaymentWithdrawal(input: $input) { success }
        }`,
        input: { incomingPaymentId: event.data.id, idempotencyKey: randomUUID(), timeoutSeconds: 0 },
      };
    }
    return undefined;
  }

  beforeAll(async () => {
    operator = await startWebhookOperatorEndpoint(SECRET, handle);
    sluice = await startTestSluice({
      ILP_ADDRESS: 'test.sluice',
      PAYMENT_FUNDING: 'webhook',
      WEBHOOK_URL: operator.url,
      WEBHOOK_SECRET: SECRET,
    });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
    const connector = sluice.services.connector!;
    // Announce Web Monetization money once 10.00 USD has arrived.
    await connector.updateAsset({ id: bob.walletAddress.assetId, withdrawalThreshold: 1000n });
    const peer = await connector.createPeer({
      assetId: bob.walletAddress.assetId,
      staticIlpAddress: 'test.sluice.sender',
      http: {
        incoming: { authTokens: ['sender-token'] },
        outgoing: { authToken: 'unused', endpoint: 'http://127.0.0.1:9/ilp' },
      },
    });
    await connector.deposit({ id: randomUUID(), accountId: peer.id, amount: 1_000_000n });
  });
  afterAll(async () => {
    await sluice.stop();
    await operator.close();
  });

  const plugin = () => ilpOverHttpPlugin(`${sluice.urls.connector}/ilp`, 'sender-token');

  async function payWithReferenceSender(destinationAddress: string, sharedSecret: Buffer, amountToSend: bigint) {
    const destination = await setupPayment({ plugin: plugin(), destinationAddress, sharedSecret });
    const quote = await startQuote({
      plugin: plugin(),
      destination,
      amountToSend,
      sourceAsset: { code: 'USD', scale: 2 },
    });
    const progress = await pay({ plugin: plugin(), destination, quote });
    await closeConnection(plugin(), destination);
    expect(progress.error).toBeUndefined();
    return progress.amountDelivered;
  }

  it('announces SPSP money and the operator withdraws exactly it; the incoming payment pays out apart', async () => {
    const resource = sluice.services.resource!;
    // Bob's incoming payment receives 3.00 of 5.00 first: that money is the incoming payment's.
    const incoming = await resource.incomingPayments.create({
      walletAddress: bob.walletAddress,
      incomingAmount: { value: '500', assetCode: 'USD', assetScale: 2 },
    });
    const credentials = resource.receivers.credentials(bob.walletAddress, {
      kind: 'incoming-payment',
      incomingPaymentId: incoming.id,
    });
    expect(await payWithReferenceSender(credentials.ilpAddress, credentials.sharedSecret, 300n)).toBe(300n);

    // Then 25.00 over SPSP (Web Monetization), past the threshold.
    const { body } = await querySpsp(bob.walletAddress.url);
    expect(body.destination_account.startsWith('test.sluice.bob.spsp.')).toBe(true);
    const delivered = await payWithReferenceSender(
      body.destination_account,
      Buffer.from(body.shared_secret, 'base64'),
      2500n,
    );
    expect(delivered).toBe(2500n);

    const announced = await eventually(async () => {
      const event = operator.received.find((received) => received.type === 'wallet_address.web_monetization');
      return event && handled.has(event.id) ? event : undefined;
    });
    const { signed, ...event } = announced;
    expect(signed).toBe(true);
    expect(loadWebhookDocument().problems(event)).toEqual([]);
    expect(announced.data).toEqual({
      walletAddress: {
        id: bob.walletAddress.id,
        createdAt: bob.walletAddress.createdAt.toISOString(),
        receivedAmount: { value: '2500', assetCode: 'USD', assetScale: 2 },
      },
    });
    expect(handled.get(announced.id)).toEqual({
      data: {
        createWalletAddressWithdrawal: {
          withdrawal: { id: expect.any(String), amount: '2500', walletAddress: { id: bob.walletAddress.id } },
        },
      },
    });

    // The incoming payment's 3.00 stayed where it was: completing it lets the operator withdraw it on its own event.
    await resource.incomingPayments.complete(incoming.id);
    const completed = await eventually(async () => {
      const event = operator.received.find(
        (received) => received.type === 'incoming_payment.completed' && received.data.id === incoming.id,
      );
      return event && handled.has(event.id) ? event : undefined;
    });
    expect(handled.get(completed.id)).toEqual({ data: { createIncomingPaymentWithdrawal: { success: true } } });

    const knex = sluice.database.knex;
    const balances = await knex('ledger_accounts')
      .where('owner_id', bob.walletAddress.id)
      .select('kind', 'balance')
      .orderBy('kind');
    expect(balances.map((row) => [row.kind, String(row.balance)])).toEqual([
      ['wallet_address', '0'],
      ['web_monetization', '0'],
    ]);
    expect(
      await knex('ledger_transfers')
        .where({ kind: 'withdrawal', state: 'posted' })
        .whereIn('debit_account_id', knex('ledger_accounts').where('owner_id', bob.walletAddress.id).select('id'))
        .sum({ total: 'amount' })
        .first(),
    ).toEqual({ total: '2800' });
    expect(await sluice.services.connector!.verifyLedger()).toEqual([]);
  }, 60_000);

  it('withdraws exactly what an event announced when the handler withdraws by the event, once', async () => {
    byEvent = true;
    const { body } = await querySpsp(bob.walletAddress.url);
    await payWithReferenceSender(body.destination_account, Buffer.from(body.shared_secret, 'base64'), 1500n);
    const announced = await eventually(async () => {
      const event = operator.received.filter((received) => received.type === 'wallet_address.web_monetization')[1];
      return event && handled.has(event.id) ? event : undefined;
    });
    expect(announced.data).toMatchObject({ walletAddress: { receivedAmount: { value: '1500' } } });
    expect(handled.get(announced.id)).toEqual({ data: { withdrawEventLiquidity: { success: true } } });
    const knex = sluice.database.knex;
    const account = await knex('ledger_accounts')
      .where({ kind: 'web_monetization', owner_id: bob.walletAddress.id })
      .first('id', 'balance');
    expect(String(account.balance)).toBe('0');
    expect(await knex('ledger_transfers').where('id', announced.id).first('amount', 'state')).toEqual({
      amount: '1500',
      state: 'posted',
    });
    const again = await graphql(
      `
        mutation ($input: WithdrawEventLiquidityInput!) {
          withdrawEventLiquidity(input: $input) {
            success
          }
        }
      `,
      { eventId: announced.id },
    );
    expect(again.errors).toHaveLength(1);
    expect(await sluice.services.connector!.verifyLedger()).toEqual([]);
  }, 60_000);
});
