import { type ResourceServer, type WalletAddress } from '@sluice/resource';
import { incomingPaymentEventData } from '../src/incoming-payments/incoming-payment-service';
import { createTestDatabase, loadWebhookDocument, type TestDatabase } from '../../../test-support';
import { createTestResourceServer, insertAsset } from './fixtures';

describe('incoming payment service', () => {
  let db: TestDatabase;
  let resource: ResourceServer;
  let alice: WalletAddress;

  beforeAll(async () => {
    db = await createTestDatabase();
    resource = createTestResourceServer(db.knex);
    alice = await resource.walletAddresses.create({ address: '/alice', assetId: await insertAsset(db.knex) });
  });
  afterAll(() => db.drop());

  const usd = (value: string) => ({ value, assetCode: 'USD', assetScale: 2 });
  const credit = (id: string, amount: bigint) =>
    db.knex.transaction((trx) => resource.incomingPayments.credit(trx, id, amount));

  it('creates a payment and announces it in the webhook outbox in the same transaction', async () => {
    const payment = await resource.incomingPayments.create({
      walletAddress: alice,
      incomingAmount: usd('1000'),
      metadata: { externalRef: 'INV-1' },
    });
    expect(payment).toMatchObject({
      state: 'pending',
      receivedAmount: { value: 0n },
      incomingAmount: { value: 1000n },
    });
    const events = await db.knex('webhook_events').where('type', 'incoming_payment.created');
    const event = events.find((candidate) => candidate.data.id === payment.id);
    expect(event.data).toMatchObject({
      createdAt: payment.createdAt.toISOString(),
      updatedAt: payment.createdAt.toISOString(),
      incomingAmount: { value: '1000', assetCode: 'USD', assetScale: 2 },
      metadata: { externalRef: 'INV-1' },
    });
    expect((await resource.incomingPayments.get(payment.id))?.createdAt).toEqual(payment.createdAt);
  });

  it('writes payments created together in one statement, and a payment that cannot be written fails alone', async () => {
    const statements: string[] = [];
    const listener = (query: { sql: string }) => {
      if (query.sql.includes('INSERT INTO incoming_payments')) statements.push(query.sql);
    };
    // A wallet address that does not exist in the database (as if deleted meanwhile): its row breaks the batch.
    const ghost: WalletAddress = { ...alice, id: '00000000-0000-7000-8000-000000000000' };
    db.knex.on('query', listener);
    let results: PromiseSettledResult<unknown>[];
    try {
      results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) =>
          resource.incomingPayments.create({
            walletAddress: index === 4 ? ghost : alice,
            incomingAmount: usd(String(100 + index)),
            metadata: { index, note: 'quotes " and \\ backslashes' },
          }),
        ),
      );
    } finally {
      db.knex.removeListener('query', listener);
    }
    // One statement for the ten, then each alone once it failed.
    expect(statements.length).toBe(11);
    expect(results.map((result) => result.status)).toEqual(
      Array.from({ length: 10 }, (_, index) => (index === 4 ? 'rejected' : 'fulfilled')),
    );
    for (const [index, result] of results.entries()) {
      if (result.status !== 'fulfilled') continue;
      const payment = result.value as { id: string; createdAt: Date };
      const stored = await resource.incomingPayments.get(payment.id);
      expect(stored).toMatchObject({ incomingAmount: { value: BigInt(100 + index) }, createdAt: payment.createdAt });
      expect(stored?.metadata).toEqual({ index, note: 'quotes " and \\ backslashes' });
      const event = await db.knex('webhook_events').whereRaw(`data->>'id' = ?`, [payment.id]).first();
      expect(event.data).toMatchObject({ metadata: { index }, createdAt: payment.createdAt.toISOString() });
    }
  });

  it.each([
    ['with a client and metadata', { client: 'https://app.example/client', metadata: { order: 7, note: null } }, false],
    ['without either', {}, false],
    ['approved by the operator (the event carries when)', {}, true],
  ])('announces completion with the event the service would build itself (%s)', async (_label, extra, approve) => {
    const payment = await resource.incomingPayments.create({
      walletAddress: alice,
      incomingAmount: usd('50'),
      ...extra,
    });
    if (approve) await resource.incomingPayments.approve(payment.id);
    await resource.incomingPayments.credit(db.knex, payment.id, 20n);
    const completed = await resource.incomingPayments.credit(db.knex, payment.id, 30n);
    expect(completed.state).toBe('completed');
    const events = await db
      .knex('webhook_events')
      .where('type', 'incoming_payment.completed')
      .whereRaw(`data->>'id' = ?`, [payment.id]);
    expect(events).toHaveLength(1);
    const stored = (await resource.incomingPayments.get(payment.id))!;
    expect(events[0].data).toEqual(JSON.parse(JSON.stringify(incomingPaymentEventData(stored))));
    expect('approvedAt' in events[0].data).toBe(approve);
    // As openapi/webhooks.yaml documents it.
    const event = { id: events[0].id, type: events[0].type, data: events[0].data };
    expect(loadWebhookDocument().problems(event)).toEqual([]);
  });

  it.each([
    [{ incomingAmount: usd('0') }, /greater than zero/],
    [{ incomingAmount: usd('-5') }, /unsigned 64-bit/],
    [{ incomingAmount: usd('18446744073709551616') }, /2\^64/],
    [{ incomingAmount: usd('1.5') }, /unsigned 64-bit/],
    [{ incomingAmount: { value: '10', assetCode: 'EUR', assetScale: 2 } }, /must be in USD/],
    [{ expiresAt: '2001-01-01T00:00:00Z' }, /in the future/],
    [{ expiresAt: 'tomorrow' }, /date-time/],
    [{ metadata: [1, 2] }, /metadata/],
  ])('refuses bad input %j', async (input, message) => {
    const before = await db.knex('incoming_payments').count('* as n');
    await expect(resource.incomingPayments.create({ walletAddress: alice, ...input })).rejects.toMatchObject({
      status: 400,
      description: expect.stringMatching(message),
    });
    expect(await db.knex('incoming_payments').count('* as n')).toEqual(before);
  });

  it('refuses an amount in another asset, telling the expected asset and nothing else of the wallet address', async () => {
    for (const incomingAmount of [
      { ...usd('5'), assetCode: 'EUR' },
      { ...usd('5'), assetScale: 3 },
    ]) {
      const refusal = resource.incomingPayments.create({ walletAddress: alice, incomingAmount });
      await expect(refusal).rejects.toMatchObject({
        status: 400,
        code: 'invalid_request',
        message: 'incomingAmount must be in USD with scale 2',
      });
      await expect(refusal.catch((error: { details?: unknown }) => error.details)).resolves.toEqual({
        expected: { assetCode: 'USD', assetScale: 2 },
      });
    }
  });

  it('credits exactly, never above incomingAmount, and completes when fully paid', async () => {
    const payment = await resource.incomingPayments.create({ walletAddress: alice, incomingAmount: usd('100') });
    expect((await credit(payment.id, 60n)).state).toBe('processing');
    await expect(credit(payment.id, 41n)).rejects.toMatchObject({ code: 'exceeds_incoming_amount' });
    const done = await credit(payment.id, 40n);
    expect(done).toMatchObject({ state: 'completed', receivedAmount: { value: 100n } });
    await expect(credit(payment.id, 1n)).rejects.toMatchObject({ code: 'not_receiving' });
    const completedEvents = await db.knex('webhook_events').where('type', 'incoming_payment.completed');
    expect(completedEvents.filter((event) => event.data.id === payment.id)).toHaveLength(1);
  });

  it('never over-credits under concurrent packets', async () => {
    const payment = await resource.incomingPayments.create({ walletAddress: alice, incomingAmount: usd('1000') });
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => credit(payment.id, 25n)));
    const credited = results.filter((result) => result.status === 'fulfilled').length;
    expect(credited).toBe(40);
    expect((await resource.incomingPayments.get(payment.id))?.receivedAmount.value).toBe(1000n);
  });

  it('stops receiving after expiry and the sweep marks it expired once, announcing only a paid one', async () => {
    const expiresAt = new Date(Date.now() + 300).toISOString();
    const paid = await resource.incomingPayments.create({ walletAddress: alice, expiresAt });
    const unpaid = await resource.incomingPayments.create({ walletAddress: alice, expiresAt });
    await credit(paid.id, 7n);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await resource.incomingPayments.get(paid.id))?.state).toBe('expired');
    await expect(credit(paid.id, 1n)).rejects.toMatchObject({ code: 'not_receiving' });
    expect(await resource.incomingPayments.expireDue()).toBeGreaterThanOrEqual(2);
    expect(await resource.incomingPayments.expireDue()).toBe(0);
    expect((await resource.incomingPayments.get(unpaid.id))?.state).toBe('expired');
    const expired = await db.knex('webhook_events').where('type', 'incoming_payment.expired');
    expect(expired.filter((event) => event.data.id === paid.id).map((event) => event.data.receivedAmount)).toEqual([
      { value: '7', assetCode: 'USD', assetScale: 2 },
    ]);
    // Rafiki ends an unpaid payment without a word: a handler withdrawing on every event would be refused.
    expect(expired.filter((event) => event.data.id === unpaid.id)).toEqual([]);
  });

  it('completes on request once, announcing it only when something was received', async () => {
    const payment = await resource.incomingPayments.create({ walletAddress: alice });
    expect((await resource.incomingPayments.complete(payment.id)).state).toBe('completed');
    expect((await resource.incomingPayments.complete(payment.id)).state).toBe('completed');
    await expect(credit(payment.id, 1n)).rejects.toMatchObject({ code: 'not_receiving' });
    const paid = await resource.incomingPayments.create({ walletAddress: alice });
    await credit(paid.id, 3n);
    await resource.incomingPayments.complete(paid.id);
    await resource.incomingPayments.complete(paid.id);
    const completed = await db.knex('webhook_events').where('type', 'incoming_payment.completed');
    expect(completed.filter((event) => event.data.id === payment.id)).toEqual([]);
    expect(completed.filter((event) => event.data.id === paid.id)).toHaveLength(1);
  });

  it('pages forwards and backwards with cursors', async () => {
    const bob = await resource.walletAddresses.create({ address: '/bob', assetId: alice.assetId });
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await resource.incomingPayments.create({ walletAddress: bob }));
    const newestFirst = created.map((payment) => payment.id).reverse();
    const first = await resource.incomingPayments.list(bob.id, { first: 3 });
    expect(first.items.map((p) => p.id)).toEqual(newestFirst.slice(0, 3));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await resource.incomingPayments.list(bob.id, { first: 3, cursor: first.pageInfo.endCursor });
    expect(second.items.map((p) => p.id)).toEqual(newestFirst.slice(3, 6));
    const third = await resource.incomingPayments.list(bob.id, { first: 3, cursor: second.pageInfo.endCursor });
    expect(third.items.map((p) => p.id)).toEqual(newestFirst.slice(6));
    expect(third.pageInfo.hasNextPage).toBe(false);
    const back = await resource.incomingPayments.list(bob.id, { last: 2, cursor: third.pageInfo.startCursor });
    expect(back.items.map((p) => p.id)).toEqual(newestFirst.slice(4, 6));
    expect(back.pageInfo.hasPreviousPage).toBe(true);
  });
});
