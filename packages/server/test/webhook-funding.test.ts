// PAYMENT_FUNDING=webhook (Rafiki's model): an outgoing payment waits in FUNDING, announced by the
// outgoing_payment.created event, until the operator deposits its debit amount; or the operator cancels it. Older
// operator handlers do the same with Rafiki's deprecated depositEventLiquidity / withdrawEventLiquidity.
import { randomUUID } from 'node:crypto';
import type { SluiceInstance } from '@sluice/server';
import { adminGraphql, createAccount, eventually, startTestSluice, type TestAccount } from '../../../test-support';

const DEPOSIT = `mutation ($input: DepositEventLiquidityInput!) { depositEventLiquidity(input: $input) { success } }`;
const WITHDRAW = `mutation ($input: WithdrawEventLiquidityInput!) { withdrawEventLiquidity(input: $input) { success } }`;

describe('webhook funding', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    sluice = await startTestSluice({ PAYMENT_FUNDING: 'webhook' });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2 });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
    // A sending fee, kept in each payment's account when it ends: what the operator withdraws afterwards.
    await sluice.services.resource!.fees.set({
      assetId: alice.walletAddress.assetId,
      type: 'SENDING',
      fixed: 5n,
      basisPoints: 0,
    });
  });
  afterAll(() => sluice.stop());

  async function newPayment(value: string) {
    const resource = sluice.services.resource!;
    const quote = await resource.quotes!.create({
      walletAddress: alice.walletAddress,
      receiver: bob.walletAddress.url,
      receiveAmount: { value, assetCode: 'USD', assetScale: 2 },
    });
    return resource.outgoingPayments!.createFromQuote({ walletAddress: alice.walletAddress, quoteId: quote.id });
  }

  it('waits for the operator to fund it, then pays', async () => {
    const resource = sluice.services.resource!;
    const { payment } = await newPayment('700');
    expect(payment.state).toBe('FUNDING');
    const created = await sluice.database.knex('webhook_events').where('type', 'outgoing_payment.created');
    // Nothing in its account yet (Rafiki's `balance`): the operator is to bring the debit amount.
    expect(created.find((event) => event.data.id === payment.id)?.data).toMatchObject({
      state: 'FUNDING',
      balance: '0',
    });

    const transferId = randomUUID();
    expect((await resource.outgoingPayments!.depositLiquidity(payment.id, transferId)).state).toBe('SENDING');
    await expect(resource.outgoingPayments!.depositLiquidity(payment.id, randomUUID())).rejects.toMatchObject({
      status: 409,
    });
    const done = await eventually(async () => {
      const current = await resource.outgoingPayments!.get(payment.id);
      return current?.state === 'COMPLETED' ? current : undefined;
    });
    expect(done.sentAmount.value).toBeGreaterThanOrEqual(700n);
    const received = await resource.incomingPayments.get(payment.quote.receiver.split('/').pop() as string);
    expect(received?.receivedAmount.value).toBe(700n);
    // What it did not send stays in its account for the operator to withdraw, and the event says how much.
    const completed = await eventually(async () =>
      (await sluice.database.knex('webhook_events').where('type', 'outgoing_payment.completed')).find(
        (event) => event.data.id === payment.id,
      ),
    );
    const leftover = payment.quote.debitAmount.value - done.sentAmount.value;
    expect(leftover).toBe(5n);
    expect(completed.data.balance).toBe(leftover.toString());
    const account = await sluice.database.knex('ledger_accounts').where('id', done.ledgerAccountId).first();
    expect(BigInt(account.balance)).toBe(leftover);
  });

  it('can be cancelled while it waits, and then cannot be funded', async () => {
    const resource = sluice.services.resource!;
    const { payment } = await newPayment('300');
    expect((await resource.outgoingPayments!.cancel(payment.id, 'customer changed their mind')).state).toBe(
      'CANCELLED',
    );
    await expect(resource.outgoingPayments!.depositLiquidity(payment.id, randomUUID())).rejects.toMatchObject({
      status: 409,
    });
    const failed = await sluice.database.knex('webhook_events').where('type', 'outgoing_payment.failed');
    expect(failed.find((event) => event.data.id === payment.id)?.data).toMatchObject({
      state: 'CANCELLED',
      balance: '0',
    });
  });

  const eventAbout = (type: string, id: string) =>
    eventually(async () =>
      (await sluice.database.knex('webhook_events').where('type', type)).find((event) => event.data.id === id),
    );
  const balanceOf = async (kind: string, ownerId: string) =>
    String((await sluice.database.knex('ledger_accounts').where({ kind, owner_id: ownerId }).first('balance')).balance);

  it("with Rafiki's older event liquidity mutations: funds a payment by its created event and pays out what its events announce, once each", async () => {
    const resource = sluice.services.resource!;
    const { payment } = await newPayment('700');
    const quote = payment.quote;
    expect(payment.state).toBe('FUNDING');
    const created = await eventAbout('outgoing_payment.created', payment.id);
    expect(await adminGraphql(sluice, DEPOSIT, { input: { eventId: created.id } })).toMatchObject({
      data: { depositEventLiquidity: { success: true } },
    });
    // A second deposit for the same event is refused: the payment is funded already.
    expect((await adminGraphql(sluice, DEPOSIT, { input: { eventId: created.id } })).errors).toHaveLength(1);

    const completed = await eventAbout('outgoing_payment.completed', payment.id);
    expect(await adminGraphql(sluice, WITHDRAW, { input: { eventId: completed.id } })).toMatchObject({
      data: { withdrawEventLiquidity: { success: true } },
    });
    const done = await resource.outgoingPayments!.get(payment.id);
    expect(await balanceOf('outgoing_payment', payment.id)).toBe('0');
    expect(done?.state).toBe('COMPLETED');

    const incomingId = quote.receiver.split('/').pop() as string;
    const received = await eventAbout('incoming_payment.completed', incomingId);
    expect(received.data.receivedAmount.value).toBe('700');
    // Bob's account also holds what the first test's payment brought him, never withdrawn.
    const before = BigInt(await balanceOf('wallet_address', bob.walletAddress.id));
    expect(await adminGraphql(sluice, WITHDRAW, { input: { eventId: received.id } })).toMatchObject({
      data: { withdrawEventLiquidity: { success: true } },
    });
    expect(BigInt(await balanceOf('wallet_address', bob.walletAddress.id))).toBe(before - 700n);
    // Once per payment, whichever way: the event again, or the mutation that replaced it.
    expect((await adminGraphql(sluice, WITHDRAW, { input: { eventId: received.id } })).errors).toHaveLength(1);
    const replaced = await adminGraphql(
      sluice,
      `mutation ($input: CreateIncomingPaymentWithdrawalInput!) { createIncomingPaymentWithdrawal(input: $input) { success } }`,
      { input: { incomingPaymentId: incomingId, idempotencyKey: 'again', timeoutSeconds: 0 } },
    );
    expect(replaced.errors).toHaveLength(1);
    expect(await sluice.services.connector!.verifyLedger()).toEqual([]);
  }, 30_000);

  it('refuses event liquidity for events that move no money, and unknown events', async () => {
    const createdEvent = await sluice.database.knex('webhook_events').where('type', 'incoming_payment.created').first();
    const deposit = await adminGraphql(sluice, DEPOSIT, { input: { eventId: createdEvent.id } });
    expect(deposit.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const withdraw = await adminGraphql(sluice, WITHDRAW, { input: { eventId: createdEvent.id } });
    expect(withdraw.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await adminGraphql(sluice, WITHDRAW, {
      input: { eventId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
