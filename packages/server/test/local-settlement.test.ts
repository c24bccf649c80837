// Money to one of our own incoming payments is recorded twice: on the receiving wallet address's ledger account and as
// the incoming payment's receivedAmount. Both are written by one statement, so no failure between them can leave an
// incoming payment credited for money that never arrived (or money without its credit). The failure is forced here
// with a trigger that refuses journal rows, i.e. the ledger's post of a packet, after the hold went through.
import { sendPayment, StreamPaymentError } from '@sluice/stream';
import { setAccountLimits } from '@sluice/connector';
import type { SluiceInstance } from '@sluice/server';
import { createAccount, startTestSluice, type TestAccount } from '../../../test-support';

describe('a packet to a local incoming payment settles in one statement with its credit', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    sluice = await startTestSluice();
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 10_000n });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
  });
  afterAll(() => sluice.stop());

  const balanceOf = async (account: TestAccount) => {
    const accountId = await sluice.services.walletAddressAccountId!(account.walletAddress);
    return sluice.services.connector!.getBalance(accountId);
  };

  async function pay(incomingPaymentId: string, amount: bigint, timeoutMs = 5_000, rejectCodes: string[] = []) {
    const resource = sluice.services.resource!;
    const credentials = resource.receivers.credentials(bob.walletAddress, {
      kind: 'incoming-payment',
      incomingPaymentId,
    });
    const source = await sluice.services.walletAddressAccountId!(alice.walletAddress);
    return sendPayment({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sourceAmount: amount,
      minExchangeRate: 1,
      signal: AbortSignal.timeout(timeoutMs),
      sendPrepare: async (prepare) => {
        const reply = await sluice.services.connector!.sendPrepare(source, prepare);
        if ('code' in reply) rejectCodes.push(reply.code);
        return reply;
      },
    });
  }

  it('credits and moves the money together, and neither when the ledger cannot post', async () => {
    const resource = sluice.services.resource!;
    const payment = await resource.incomingPayments.create({
      walletAddress: bob.walletAddress,
      incomingAmount: { value: '500', assetCode: 'USD', assetScale: 2 },
    });
    expect((await pay(payment.id, 200n)).delivered).toBe(200n);
    expect((await resource.incomingPayments.get(payment.id))?.receivedAmount.value).toBe(200n);
    expect(await balanceOf(bob)).toMatchObject({ balance: 200n });

    const knex = sluice.database.knex;
    await knex.raw(`CREATE FUNCTION refuse_journal_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'the journal is unavailable'; END $$`);
    await knex.raw(`CREATE TRIGGER refuse_journal_rows BEFORE INSERT ON ledger_journal
                    FOR EACH ROW EXECUTE FUNCTION refuse_journal_rows()`);
    try {
      await expect(pay(payment.id, 100n, 1_500)).rejects.toThrow();
    } finally {
      await knex.raw('DROP TRIGGER refuse_journal_rows ON ledger_journal');
      await knex.raw('DROP FUNCTION refuse_journal_rows()');
    }
    // Nothing of the failed attempt stuck: not the credit, not the money, not a hold.
    expect((await resource.incomingPayments.get(payment.id))?.receivedAmount.value).toBe(200n);
    expect(await balanceOf(bob)).toMatchObject({ balance: 200n, creditsPending: 0n });
    expect(await balanceOf(alice)).toMatchObject({ balance: 9_800n, debitsPending: 0n });
    expect(await sluice.services.connector!.verifyLedger()).toEqual([]);

    // And it pays on once the ledger is back.
    expect((await pay(payment.id, 300n)).delivered).toBe(300n);
    expect(await resource.incomingPayments.get(payment.id)).toMatchObject({
      state: 'completed',
      receivedAmount: { value: 500n },
    });
    expect(await balanceOf(bob)).toMatchObject({ balance: 500n });
  });

  it('refuses money the receiving account cannot take (T04 to the sender), crediting nothing of it', async () => {
    const resource = sluice.services.resource!;
    const payment = await resource.incomingPayments.create({
      walletAddress: bob.walletAddress,
      incomingAmount: { value: '1000', assetCode: 'USD', assetScale: 2 },
    });
    const bobAccount = await sluice.services.walletAddressAccountId!(bob.walletAddress);
    const before = (await balanceOf(bob)).balance;
    await setAccountLimits(sluice.database.knex, bobAccount, { maxBalance: before + 150n });
    try {
      const rejectCodes: string[] = [];
      const error = await pay(payment.id, 400n, 1_500, rejectCodes).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(StreamPaymentError);
      expect(rejectCodes).toContain('T04');
      const progress = (error as StreamPaymentError).progress as { delivered: bigint } | undefined;
      // What arrived is exactly what was credited: up to the limit, never beyond.
      const received = (await resource.incomingPayments.get(payment.id))!.receivedAmount.value;
      expect(received).toBeLessThanOrEqual(150n);
      expect((await balanceOf(bob)).balance).toBe(before + received);
      if (progress) expect(progress.delivered).toBe(received);
      expect(await sluice.services.connector!.verifyLedger()).toEqual([]);
    } finally {
      await setAccountLimits(sluice.database.knex, bobAccount, { maxBalance: null });
    }
  });
});
