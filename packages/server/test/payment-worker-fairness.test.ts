// A receiver whose path keeps failing must not hold up everyone else's payments: an attempt on a failing path gives
// its worker slot back within seconds, retries wait in the database and take at most half the slots, so a payment to
// a reachable receiver goes through at once; and once the path is back, the retried payments complete, even though
// their quotes have expired meanwhile.
import type { SluiceInstance } from '@sluice/server';
import { createAccount, eventually, startTestSluice, usePglite, type TestAccount } from '../../../test-support';

// Scheduling, not SQL dialect: the embedded-database run leaves it out (its claim statement runs there in
// open-payments-rules' "creates a payment unleased…"), as it takes half a minute of waiting for failing attempts.
const onPostgres = usePglite ? describe.skip : describe;

onPostgres('payment worker fairness', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;
  let trudy: TestAccount;

  beforeAll(async () => {
    sluice = await startTestSluice({ QUOTE_LIFESPAN_SECONDS: '10' });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 1_000_000n });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
    trudy = await createAccount(sluice, { path: '/trudy', assetCode: 'USD', assetScale: 2 });
  });
  afterAll(() => sluice.stop());

  async function pay(to: TestAccount, value: string) {
    const resource = sluice.services.resource!;
    const quote = await resource.quotes!.create({
      walletAddress: alice.walletAddress,
      receiver: to.walletAddress.url,
      receiveAmount: { value, assetCode: 'USD', assetScale: 2 },
    });
    return (await resource.outgoingPayments!.createFromQuote({ walletAddress: alice.walletAddress, quoteId: quote.id }))
      .payment;
  }
  const stateOf = async (id: string) => (await sluice.services.resource!.outgoingPayments!.get(id))!;

  it('pays a reachable receiver at once while eight payments to an unreachable one retry', async () => {
    const connector = sluice.services.connector!;
    const forward = connector.sendPrepare.bind(connector);
    let trudyReachable = false;
    // Every packet towards Trudy is refused as by a hop that cannot reach her (T01), until she is back.
    const sent = jest.spyOn(connector, 'sendPrepare').mockImplementation(async (accountId, prepare, options) => {
      if (trudyReachable || !prepare.destination.startsWith(`${trudy.walletAddress.ilpAddress}.`)) {
        return forward(accountId, prepare, options);
      }
      return { code: 'T01', triggeredBy: 'test.sluice.hop', message: 'peer unreachable', data: Buffer.alloc(0) };
    });
    try {
      const stuck = await Promise.all(Array.from({ length: 8 }, () => pay(trudy, '100')));
      // Each ran a first attempt at once, in every slot there is (8); wait until each has failed it and is retrying.
      await eventually(async () => {
        const states = await Promise.all(stuck.map((payment) => stateOf(payment.id)));
        return states.every((payment) => payment.attempts >= 2) ? true : undefined;
      }, 90_000);

      const started = Date.now();
      const toBob = await pay(bob, '250');
      const done = await eventually(async () => {
        const payment = await stateOf(toBob.id);
        return payment.state === 'COMPLETED' ? payment : undefined;
      }, 30_000);
      // Not behind a round of Trudy's attempts (each holds its slot for about 13 s).
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(done.sentAmount.value).toBe(250n);
      expect((await stateOf(stuck[0]!.id)).state).toBe('SENDING');

      // Trudy is back: every retried payment completes, although its quote has expired.
      expect(stuck.every((payment) => payment.quote.expiresAt.getTime() < Date.now())).toBe(true);
      trudyReachable = true;
      await eventually(async () => {
        const states = await Promise.all(stuck.map((payment) => stateOf(payment.id)));
        return states.every((payment) => payment.state === 'COMPLETED') ? true : undefined;
      }, 120_000);
      const received = await sluice.database
        .knex('incoming_payments')
        .where('wallet_address_id', trudy.walletAddress.id)
        .sum({ total: 'received_amount' });
      expect(BigInt(String(received[0]!.total))).toBe(800n);
      expect(await connector.verifyLedger()).toEqual([]);
    } finally {
      sent.mockRestore();
    }
  }, 180_000);
});
