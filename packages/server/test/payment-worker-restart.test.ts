// A payment interrupted mid-way (the sending instance stops while packets are in flight) resumes after a restart on
// the same database and completes without sending twice: what still has to be sent is read from the payment's
// ledger balance, which only moves when a packet's Fulfill is durable.
import { startSluice, type SluiceInstance } from '@sluice/server';
import {
  createAccount,
  createTestDatabase,
  depositAssetLiquidity,
  ensureAsset,
  eventually,
  startTestSluice,
  testConfig,
  usePglite,
  type TestDatabase,
} from '../../../test-support';

// Restarting on the same database needs a database that outlives the process's connection: a PostgreSQL server.
const onPostgres = usePglite ? describe.skip : describe;

onPostgres('payment worker restart', () => {
  let database: TestDatabase;
  let b: SluiceInstance;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.database.close();
    b = await startTestSluice({ ILP_ADDRESS: 'test.beta' });
  });
  afterAll(async () => {
    await b.stop();
    await database.drop();
  });

  it('resumes an interrupted payment after a restart and never sends more than the debit amount', async () => {
    const config = testConfig(database.url, { ILP_ADDRESS: 'test.alpha' });
    let a = await startSluice(config);
    const alice = await createAccount(a, { path: '/alice', assetCode: 'EUR', assetScale: 2, balance: 1_000_000n });
    const bob = await createAccount(b, { path: '/bob', assetCode: 'EUR', assetScale: 2 });
    const aEur = await ensureAsset(a, 'EUR', 2);
    await depositAssetLiquidity(a, aEur, 1_000_000n);
    const bEur = await ensureAsset(b, 'EUR', 2);
    await b.services.connector!.createPeer({
      assetId: bEur,
      staticIlpAddress: 'test.alpha',
      creditLimit: 10_000_000n,
      maxPacketAmount: 100n,
      http: {
        incoming: { authTokens: ['a-to-b'] },
        outgoing: { authToken: 'b-to-a', endpoint: 'http://127.0.0.1:9/ilp' },
      },
    });
    const peerAtA = {
      assetId: aEur,
      staticIlpAddress: 'test.beta',
      http: {
        incoming: { authTokens: ['b-to-a'] },
        outgoing: { authToken: 'a-to-b', endpoint: `${b.urls.connector}/ilp` },
      },
    };
    await a.services.connector!.createPeer(peerAtA);

    // 300.00 EUR in packets of at most 1.00 EUR: long enough to interrupt.
    const incoming = await b.services.resource!.incomingPayments.create({
      walletAddress: bob.walletAddress,
      incomingAmount: { value: '30000', assetCode: 'EUR', assetScale: 2 },
    });
    const incomingUrl = `${b.publicUrls.openPayments}/incoming-payments/${incoming.id}`;
    const quote = await a.services.resource!.quotes!.create({
      walletAddress: alice.walletAddress,
      receiver: incomingUrl,
    });
    const { payment } = await a.services.resource!.outgoingPayments!.createFromQuote({
      walletAddress: alice.walletAddress,
      quoteId: quote.id,
    });

    // Stop the sending instance once part of the money has arrived.
    await eventually(async () => {
      const received = (await b.services.resource!.incomingPayments.get(incoming.id))!.receivedAmount.value;
      return received > 0n ? received : undefined;
    });
    await a.stop();
    const midway = (await b.services.resource!.incomingPayments.get(incoming.id))!;
    expect(midway.receivedAmount.value).toBeLessThan(30000n);

    a = await startSluice(config);
    try {
      const paid = await eventually(async () => {
        const current = await a.services.resource!.outgoingPayments!.get(payment.id);
        return current && current.state !== 'SENDING' ? current : undefined;
      }, 60_000);
      expect(paid.state).toBe('COMPLETED');
      const received = (await b.services.resource!.incomingPayments.get(incoming.id))!;
      expect(received).toMatchObject({ state: 'completed', receivedAmount: { value: 30000n } });
      expect(paid.sentAmount.value).toBeLessThanOrEqual(quote.debitAmount.value);
      expect(paid.sentAmount.value).toBeGreaterThanOrEqual(30000n);
      expect(await a.services.connector!.verifyLedger()).toEqual([]);
      expect(await b.services.connector!.verifyLedger()).toEqual([]);
    } finally {
      await a.stop();
    }
  }, 120_000);
});
