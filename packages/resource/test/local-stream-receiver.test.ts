import { type ResourceServer, type WalletAddress } from '@sluice/resource';
import { sendPayment, type IlpPrepare } from '@sluice/stream';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { createLocalStreamReceiver, type PacketSettlement } from '../src/stream/local-stream-receiver';
import { createTestResourceServer, insertAsset } from './fixtures';

describe('local STREAM receiver', () => {
  let db: TestDatabase;
  let resource: ResourceServer;
  let alice: WalletAddress;
  let receiver: ReturnType<typeof createLocalStreamReceiver>;

  beforeAll(async () => {
    db = await createTestDatabase();
    resource = createTestResourceServer(db.knex);
    alice = await resource.walletAddresses.create({ address: '/alice', assetId: await insertAsset(db.knex) });
    receiver = createLocalStreamReceiver({ ...resource, knex: db.knex, ilpAddress: 'test.sluice' });
  });
  afterAll(() => db.drop());

  // No connector here: the settlement runs the receiver's own write alone (with the connector, the same statement also
  // posts the packet's money; the server's tests cover that).
  const settlement: PacketSettlement = {
    async settle(write) {
      const { sql, bindings } = write('true');
      return (await db.knex.raw(`WITH ${sql} SELECT * FROM settled`, bindings)).rows;
    },
  };
  const deliver = (prepare: IlpPrepare) => receiver.handlePrepare(prepare, settlement);

  const credentialsFor = (paymentId: string) =>
    resource.receivers.credentials(alice, { kind: 'incoming-payment', incomingPaymentId: paymentId });

  it('credits an incoming payment exactly, packet by packet, and completes it', async () => {
    const payment = await resource.incomingPayments.create({
      walletAddress: alice,
      incomingAmount: { value: '10000', assetCode: 'USD', assetScale: 2 },
    });
    const credentials = credentialsFor(payment.id);
    expect(credentials.ilpAddress.startsWith('test.sluice.alice.')).toBe(true);
    let packets = 0;
    const progress = await sendPayment({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      minDeliveryAmount: 10000n,
      minExchangeRate: 1,
      sendPrepare: async (prepare) => {
        // A path that carries at most 1,000 per packet.
        if (prepare.amount > 1000n) {
          const data = Buffer.alloc(16);
          data.writeBigUInt64BE(prepare.amount, 0);
          data.writeBigUInt64BE(1000n, 8);
          return { code: 'F08', triggeredBy: 'test.sluice', message: '', data };
        }
        packets++;
        return deliver(prepare);
      },
    });
    expect(progress.delivered).toBe(10000n);
    const paid = await resource.incomingPayments.get(payment.id);
    expect(paid).toMatchObject({ state: 'completed', receivedAmount: { value: 10000n } });
    expect(packets).toBeGreaterThanOrEqual(10);
  });

  it('refuses money beyond the incoming amount, and after completion', async () => {
    const payment = await resource.incomingPayments.create({
      walletAddress: alice,
      incomingAmount: { value: '500', assetCode: 'USD', assetScale: 2 },
    });
    const credentials = credentialsFor(payment.id);
    await expect(
      sendPayment({
        destinationAddress: credentials.ilpAddress,
        sharedSecret: credentials.sharedSecret,
        sourceAmount: 800n,
        minExchangeRate: 1,
        sendPrepare: deliver,
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/RECEIVER_REFUSED|CLOSED_BY_RECEIVER/) });
    expect((await resource.incomingPayments.get(payment.id))?.receivedAmount.value).toBe(500n);
  });

  it('declines money that does not come with a settlement from the ledger, and credits nothing', async () => {
    const payment = await resource.incomingPayments.create({
      walletAddress: alice,
      incomingAmount: { value: '500', assetCode: 'USD', assetScale: 2 },
    });
    const credentials = credentialsFor(payment.id);
    let rejects = 0;
    await expect(
      sendPayment({
        destinationAddress: credentials.ilpAddress,
        sharedSecret: credentials.sharedSecret,
        sourceAmount: 100n,
        minExchangeRate: 1,
        signal: AbortSignal.timeout(500),
        sendPrepare: async (prepare) => {
          const reply = await receiver.handlePrepare(prepare);
          if ('code' in reply && prepare.amount > 0n) rejects++;
          return reply;
        },
      }),
    ).rejects.toThrow();
    expect(rejects).toBeGreaterThan(0);
    expect((await resource.incomingPayments.get(payment.id))?.receivedAmount.value).toBe(0n);
  });

  it('declines SPSP money with receipts temporarily (T00) when the ledger recorded nothing', async () => {
    const credentials = resource.receivers.credentials(
      alice,
      { kind: 'spsp' },
      { nonce: Buffer.alloc(16, 1), secret: Buffer.alloc(32, 2) },
    );
    // A settlement that wrote nothing: the ledger's own preconditions failed (say, an account gone).
    let settled = false;
    const nothingWritten: PacketSettlement = {
      settle: async () => {
        settled = true;
        return [];
      },
    };
    // The answer to each packet the receiver tried to settle (probes are answered F99 before that).
    const codes: string[] = [];
    await expect(
      sendPayment({
        destinationAddress: credentials.ilpAddress,
        sharedSecret: credentials.sharedSecret,
        sourceAmount: 100n,
        minExchangeRate: 1,
        signal: AbortSignal.timeout(500),
        sendPrepare: async (prepare) => {
          settled = false;
          const reply = await receiver.handlePrepare(prepare, nothingWritten);
          if (settled) codes.push('code' in reply ? reply.code : 'fulfilled');
          return reply;
        },
      }),
    ).rejects.toThrow();
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['T00']));
  });

  it('answers F02 for unknown or inactive wallet addresses', async () => {
    const reply = await receiver.handlePrepare({
      amount: 1n,
      expiresAt: new Date(Date.now() + 30_000),
      executionCondition: Buffer.alloc(32),
      destination: 'test.sluice.nobody.abc',
      data: Buffer.alloc(0),
    });
    expect(reply).toMatchObject({ code: 'F02' });
  });
});
