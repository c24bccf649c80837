// PAYMENT_FUNDING=webhook (Rafiki's model): an outgoing payment waits in FUNDING, announced by the
// outgoing_payment.created event, until the operator deposits its debit amount; or the operator cancels it.
import { randomUUID } from 'node:crypto';
import type { SluiceInstance } from '@sluice/server';
import { createAccount, eventually, startTestSluice, type TestAccount } from '../../../test-support';

describe('webhook funding', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    sluice = await startTestSluice({ PAYMENT_FUNDING: 'webhook' });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2 });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
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
});
