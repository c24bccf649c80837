// Money paid to a wallet address over SPSP (Web Monetization): counted packet by packet in the settling statement and
// announced to the operator as Rafiki does (wallet_address.web_monetization), by the asset's withdrawalThreshold or
// after a throttle delay, each amount once.
import { announceDueWebMonetization, type ResourceServer, type WalletAddress } from '@sluice/resource';
import { sendPayment, type StreamCredentials } from '@sluice/stream';
import { createTestDatabase, eventually, loadWebhookDocument, type TestDatabase } from '../../../test-support';
import { createLocalStreamReceiver, type PacketSettlement } from '../src/stream/local-stream-receiver';
import type { WebMonetizationPolicy } from '../src/wallet-addresses/web-monetization';
import { createTestResourceServer, insertAsset } from './fixtures';

describe('Web Monetization (money over SPSP)', () => {
  let db: TestDatabase;
  let resource: ResourceServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    resource = createTestResourceServer(db.knex);
  });
  afterAll(() => db.drop());

  // No connector: the settlement runs the receiver's own write alone (the server's tests post real money with it).
  const settlement: PacketSettlement = {
    async settle(write) {
      const { sql, bindings } = write('true');
      return (await db.knex.raw(`WITH ${sql} SELECT * FROM settled`, bindings)).rows;
    },
  };

  // Each wallet address gets its own asset (asset codes are unique), with the threshold under test.
  async function walletAddressWith(path: string, withdrawalThreshold: bigint | null): Promise<WalletAddress> {
    const assetId = await insertAsset(db.knex, path.slice(1, 4).toUpperCase(), 2);
    await db.knex('connector_assets').where('id', assetId).update({ withdrawal_threshold: withdrawalThreshold });
    return resource.walletAddresses.create({ address: path, assetId });
  }

  function pay(credentials: StreamCredentials, amount: bigint, policy: WebMonetizationPolicy = {}) {
    const receiver = createLocalStreamReceiver({
      ...resource,
      knex: db.knex,
      ilpAddress: 'test.sluice',
      webMonetization: policy,
    });
    return sendPayment({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sourceAmount: amount,
      minExchangeRate: 1,
      signal: AbortSignal.timeout(5_000),
      sendPrepare: (prepare) => receiver.handlePrepare(prepare, settlement),
    });
  }

  const spspCredentials = (walletAddress: WalletAddress) =>
    resource.receivers.credentials(walletAddress, { kind: 'spsp' });

  const totalsOf = async (walletAddress: WalletAddress) =>
    (await db.knex('web_monetization_totals').where('wallet_address_id', walletAddress.id).first()) as
      { received: string; announced: string; due_at: Date | null } | undefined;

  const eventsFor = async (walletAddress: WalletAddress) =>
    (
      (await db
        .knex('webhook_events')
        .where('type', 'wallet_address.web_monetization')
        .whereRaw(`data->'walletAddress'->>'id' = ?`, [walletAddress.id])
        .orderBy('created_at')
        .select('id', 'type', 'data')) as { id: string; type: string; data: Record<string, unknown> }[]
    ).map((event) => ({ ...event, data: event.data }));

  it('announces what arrived once it reaches the asset withdrawalThreshold, then only what arrives after', async () => {
    const carol = await walletAddressWith('/carol', 1000n);
    const credentials = spspCredentials(carol);
    expect(credentials.ilpAddress.startsWith(`${carol.ilpAddress}.spsp.`)).toBe(true);

    expect((await pay(credentials, 600n)).delivered).toBe(600n);
    expect(await totalsOf(carol)).toMatchObject({ received: '600', announced: '0', due_at: null });
    await announceDueWebMonetization(db.knex);
    expect(await eventsFor(carol)).toEqual([]);

    expect((await pay(credentials, 500n)).delivered).toBe(500n);
    expect((await totalsOf(carol))?.due_at).not.toBeNull();
    await announceDueWebMonetization(db.knex);
    const [event] = await eventsFor(carol);
    expect(event.data).toEqual({
      walletAddress: {
        id: carol.id,
        createdAt: carol.createdAt.toISOString(),
        receivedAmount: { value: '1100', assetCode: 'CAR', assetScale: 2 },
      },
    });
    expect(loadWebhookDocument().problems(event)).toEqual([]);
    expect(await totalsOf(carol)).toMatchObject({ received: '1100', announced: '1100', due_at: null });

    // Nothing new: nothing announced again. Then the next 1,000 is announced alone.
    await announceDueWebMonetization(db.knex);
    expect(await eventsFor(carol)).toHaveLength(1);
    await pay(spspCredentials(carol), 1000n);
    await announceDueWebMonetization(db.knex);
    const events = await eventsFor(carol);
    expect(events).toHaveLength(2);
    expect(events[1].data).toMatchObject({ walletAddress: { receivedAmount: { value: '1000' } } });
  });

  it('with a throttle delay, announces what arrived that long after the first packet not yet announced', async () => {
    const dave = await walletAddressWith('/dave', null);
    await pay(spspCredentials(dave), 300n, { throttleDelayMs: 400 });
    await pay(spspCredentials(dave), 200n, { throttleDelayMs: 400 });
    await announceDueWebMonetization(db.knex);
    expect(await eventsFor(dave)).toEqual([]);
    const started = Date.now();
    const events = await eventually(async () => {
      await announceDueWebMonetization(db.knex);
      const written = await eventsFor(dave);
      return written.length > 0 ? written : undefined;
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ walletAddress: { receivedAmount: { value: '500' } } });
  });

  it('announces nothing without a withdrawalThreshold or a throttle delay (as Rafiki)', async () => {
    const erin = await walletAddressWith('/erin', null);
    await pay(spspCredentials(erin), 5000n);
    expect(await totalsOf(erin)).toMatchObject({ received: '5000', due_at: null });
    await announceDueWebMonetization(db.knex);
    expect(await eventsFor(erin)).toEqual([]);
  });

  it('announces each amount once when processes look at the same time', async () => {
    const frank = await walletAddressWith('/frank', 0n);
    await pay(spspCredentials(frank), 700n);
    const written = await Promise.all([1, 2, 3, 4].map(() => announceDueWebMonetization(db.knex)));
    expect(written.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(await eventsFor(frank)).toHaveLength(1);
  });

  it('takes no money whose token is for the other kind of address (SPSP vs incoming payment)', async () => {
    const grace = await walletAddressWith('/grace', 0n);
    const payment = await resource.incomingPayments.create({ walletAddress: grace });
    const incoming = resource.receivers.credentials(grace, { kind: 'incoming-payment', incomingPaymentId: payment.id });
    const spsp = spspCredentials(grace);
    const token = (credentials: StreamCredentials) => credentials.ilpAddress.split('.').pop() as string;
    // The incoming payment's token at the SPSP address, and the SPSP token at the wallet address's own.
    await expect(
      pay({ ...incoming, ilpAddress: `${grace.ilpAddress}.spsp.${token(incoming)}` }, 100n),
    ).rejects.toThrow();
    await expect(pay({ ...spsp, ilpAddress: `${grace.ilpAddress}.${token(spsp)}` }, 100n)).rejects.toThrow();
    expect((await resource.incomingPayments.get(payment.id))?.receivedAmount.value).toBe(0n);
    expect(await totalsOf(grace)).toBeUndefined();
  });
});
