// Rafiki's top-level payment lists over the admin API of a whole Sluice: `payments` (incoming and outgoing payments
// together) and `outgoingPayments`. The payments are real: quoted and sent over STREAM through the connector, with
// webhook funding (Rafiki's model) so that some wait in FUNDING and one is cancelled.
import { randomUUID } from 'node:crypto';
import type { IncomingPayment, OutgoingPayment, ResourceServer, WalletAddress } from '@sluice/resource';
import { ensureAsset, eventually } from '../../../test-support';
import type { Json } from './support/admin-client';
import { startSluiceAdmin, type SluiceAdmin } from './support/sluice-admin';

const PAGE_INFO = 'pageInfo { startCursor endCursor hasNextPage hasPreviousPage }';
const PAYMENTS = `query Payments($first: Int, $after: String, $last: Int, $before: String, $sortOrder: SortOrder,
    $filter: PaymentFilter) {
  payments(first: $first, after: $after, last: $last, before: $before, sortOrder: $sortOrder, filter: $filter) {
    edges { cursor node { id type walletAddressId client state metadata createdAt liquidity } }
    ${PAGE_INFO}
  }
}`;
const OUTGOING_PAYMENTS = `query OutgoingPayments($first: Int, $after: String, $last: Int, $before: String,
    $sortOrder: SortOrder, $filter: OutgoingPaymentFilter) {
  outgoingPayments(first: $first, after: $after, last: $last, before: $before, sortOrder: $sortOrder,
      filter: $filter) {
    edges { cursor node { id walletAddressId state receiver liquidity metadata
      debitAmount { value assetCode assetScale } sentAmount { value } quote { id } } }
    ${PAGE_INFO}
  }
}`;

// Rafiki's IncomingPaymentState and OutgoingPaymentState.
const INCOMING_STATES = ['PENDING', 'PROCESSING', 'COMPLETED', 'EXPIRED'];
const OUTGOING_STATES = ['FUNDING', 'SENDING', 'COMPLETED', 'FAILED', 'CANCELLED'];

const usd = (value: string) => ({ value, assetCode: 'USD', assetScale: 2 });
const ids = (connection: Json): string[] => connection.edges.map((edge: Json) => edge.node.id);

describe('payments and outgoingPayments over the admin API', () => {
  let admin: SluiceAdmin;
  let resource: ResourceServer;
  let alice: WalletAddress;
  let bob: WalletAddress;
  /** The payments made below, by the name the tests use. */
  const made: Record<string, IncomingPayment | OutgoingPayment> = {};
  /** Every payment in the database, newest first, by kind (quotes to a wallet address make incoming payments too). */
  let allIds: string[];
  let outgoingIds: string[];
  let incomingIds: string[];

  const incomingUrl = (id: string) => `${admin.sluice.publicUrls.openPayments}/incoming-payments/${id}`;

  async function outgoing(receiver: string, value: string, metadata?: Record<string, unknown>) {
    const quote = await resource.quotes!.create({ walletAddress: alice, receiver, receiveAmount: usd(value) });
    const created = await resource.outgoingPayments!.createFromQuote({
      walletAddress: alice,
      quoteId: quote.id,
      metadata,
    });
    return created.payment;
  }

  async function fundAndFinish(payment: OutgoingPayment) {
    await resource.outgoingPayments!.depositLiquidity(payment.id, randomUUID());
    return eventually(async () => {
      const current = await resource.outgoingPayments!.get(payment.id);
      return current?.state === 'COMPLETED' ? current : undefined;
    });
  }

  const payments = async (variables: Record<string, unknown>) => (await admin.ok(PAYMENTS, variables)).payments;
  const outgoingPayments = async (variables: Record<string, unknown>) =>
    (await admin.ok(OUTGOING_PAYMENTS, variables)).outgoingPayments;

  beforeAll(async () => {
    admin = await startSluiceAdmin({ PAYMENT_FUNDING: 'webhook' });
    resource = admin.sluice.services.resource!;
    const assetId = await ensureAsset(admin.sluice, 'USD', 2);
    alice = await resource.walletAddresses.create({ address: '/alice', assetId });
    bob = await resource.walletAddresses.create({ address: '/bob', assetId });
    const incoming = (walletAddress: WalletAddress, options: Record<string, unknown> = {}) =>
      resource.incomingPayments.create({ walletAddress, ...options });

    // Oldest first. Funded payments complete before the next is made, so every state below is settled.
    made.paidInFull = await incoming(bob, { incomingAmount: usd('400') });
    made.payingInFull = await fundAndFinish(await outgoing(incomingUrl(made.paidInFull.id), '400'));
    made.paidInPart = await incoming(bob, { incomingAmount: usd('1000') });
    made.payingInPart = await fundAndFinish(await outgoing(incomingUrl(made.paidInPart.id), '250'));
    made.waitingForFunds = await outgoing(bob.url, '300', { orderId: 'o-2' });
    made.cancelled = await outgoing(bob.url, '200');
    await resource.outgoingPayments!.cancel(made.cancelled.id, 'changed my mind');
    made.expiring = await incoming(alice, { expiresAt: new Date(Date.now() + 1_000).toISOString() });
    made.open = await incoming(bob, { metadata: { note: 'tip jar' } });
    const expiresAt = (made.expiring as IncomingPayment).expiresAt.getTime();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 100 - Date.now())));

    const { knex } = admin.sluice.database;
    outgoingIds = (await knex('outgoing_payments').orderBy('id', 'desc').pluck('id')) as string[];
    incomingIds = (await knex('incoming_payments').orderBy('id', 'desc').pluck('id')) as string[];
    allIds = [...outgoingIds, ...incomingIds].sort().reverse();
  }, 60_000);
  afterAll(() => admin?.stop());

  it('lists incoming and outgoing payments together, newest first, with Rafiki state names', async () => {
    expect(outgoingIds).toHaveLength(4);
    expect(incomingIds).toHaveLength(6); // 4 made here and 2 the quotes to bob's wallet address made
    const page = await payments({ first: 100 });
    expect(ids(page)).toEqual(allIds);
    expect(page.edges.map((edge: Json) => edge.cursor)).toEqual(allIds);
    expect(page.pageInfo).toEqual({
      startCursor: allIds[0],
      endCursor: allIds[allIds.length - 1],
      hasNextPage: false,
      hasPreviousPage: false,
    });
    const nodes = new Map<string, Json>(page.edges.map((edge: Json) => [edge.node.id, edge.node]));
    for (const node of nodes.values()) {
      expect(node.type).toBe(outgoingIds.includes(node.id) ? 'OUTGOING' : 'INCOMING');
      expect(node.type === 'OUTGOING' ? OUTGOING_STATES : INCOMING_STATES).toContain(node.state);
    }
    const createdAt = page.edges.map((edge: Json) => Date.parse(edge.node.createdAt));
    expect([...createdAt].sort((a, b) => b - a)).toEqual(createdAt);

    const stateOf = (name: string) => nodes.get(made[name].id).state;
    expect(Object.fromEntries(Object.keys(made).map((name) => [name, stateOf(name)]))).toEqual({
      paidInFull: 'COMPLETED',
      payingInFull: 'COMPLETED',
      paidInPart: 'PROCESSING',
      payingInPart: 'COMPLETED',
      waitingForFunds: 'FUNDING',
      cancelled: 'CANCELLED',
      expiring: 'EXPIRED',
      open: 'PENDING',
    });
    expect(nodes.get(made.waitingForFunds.id)).toMatchObject({
      type: 'OUTGOING',
      walletAddressId: alice.id,
      client: null,
      metadata: { orderId: 'o-2' },
      createdAt: made.waitingForFunds.createdAt.toISOString(),
    });
    expect(nodes.get(made.open.id)).toMatchObject({
      type: 'INCOMING',
      walletAddressId: bob.id,
      metadata: { note: 'tip jar' },
      createdAt: made.open.createdAt.toISOString(),
    });
    // Without arguments: Rafiki's default page of 20, newest first.
    expect(ids((await admin.ok('{ payments { edges { node { id } } } }')).payments)).toEqual(allIds);
  });

  it('filters by type and by wallet address, with in and notIn', async () => {
    const alicesIds = new Set([...outgoingIds, made.expiring.id]);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ type: { in: ['OUTGOING'] } }, outgoingIds],
      [{ type: { in: ['INCOMING'] } }, incomingIds],
      [{ type: { notIn: ['OUTGOING'] } }, incomingIds],
      [{ type: { in: ['INCOMING', 'OUTGOING'], notIn: ['INCOMING'] } }, outgoingIds],
      [{ walletAddressId: { in: [alice.id] } }, allIds.filter((id) => alicesIds.has(id))],
      [{ walletAddressId: { notIn: [alice.id] } }, allIds.filter((id) => !alicesIds.has(id))],
      [{ walletAddressId: { in: [alice.id, bob.id] } }, allIds],
      [{ type: { in: ['INCOMING'] }, walletAddressId: { in: [alice.id] } }, [made.expiring.id]],
      // As in Rafiki, an empty list filters nothing.
      [{ type: { in: [] }, walletAddressId: { in: [], notIn: [] } }, allIds],
      // Values that can match nothing match nothing (and are no error).
      [{ type: { in: ['REFUND'] } }, []],
      [{ walletAddressId: { in: ['not-a-uuid', randomUUID()] } }, []],
      [{ walletAddressId: { notIn: ['not-a-uuid'] } }, allIds],
    ];
    for (const [filter, expected] of cases) {
      expect({ filter, ids: ids(await payments({ first: 100, filter })) }).toEqual({ filter, ids: expected });
    }
  });

  it('pages forward and backward with cursors, in both orders, without gaps or repeats', async () => {
    const forward: string[] = [];
    let page = await payments({ first: 3 });
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    for (;;) {
      forward.push(...ids(page));
      if (!page.pageInfo.hasNextPage) break;
      page = await payments({ first: 3, after: page.pageInfo.endCursor });
      expect(page.pageInfo.hasPreviousPage).toBe(true);
    }
    expect(forward).toEqual(allIds);

    // Backward from the oldest: `last` items before the cursor, each page still newest first.
    const oldest = allIds[allIds.length - 1];
    const backward: string[] = [oldest];
    page = await payments({ last: 3, before: oldest });
    expect(page.pageInfo.hasNextPage).toBe(true);
    for (;;) {
      backward.unshift(...ids(page));
      if (!page.pageInfo.hasPreviousPage) break;
      page = await payments({ last: 3, before: page.pageInfo.startCursor });
    }
    expect(backward).toEqual(allIds);

    const ascending: string[] = [];
    page = await payments({ first: 4, sortOrder: 'ASC' });
    for (;;) {
      ascending.push(...ids(page));
      if (!page.pageInfo.hasNextPage) break;
      page = await payments({ first: 4, after: page.pageInfo.endCursor, sortOrder: 'ASC' });
    }
    expect(ascending).toEqual([...allIds].reverse());

    // A filtered list pages the same way.
    const filter = { type: { in: ['OUTGOING'] } };
    const first = await payments({ first: 2, filter });
    const second = await payments({ first: 2, after: first.pageInfo.endCursor, filter });
    expect([...ids(first), ...ids(second)]).toEqual(outgoingIds);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const back = await payments({ last: 2, before: second.pageInfo.startCursor, filter });
    expect(ids(back)).toEqual(ids(first));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it("answers each payment's liquidity: what the ledger holds for it", async () => {
    const liquidityOf = async () => {
      const page = await payments({ first: 100 });
      return new Map<string, string | null>(page.edges.map((edge: Json) => [edge.node.id, edge.node.liquidity]));
    };
    const before = await liquidityOf();
    const payingInFull = made.payingInFull as OutgoingPayment;
    // STREAM may deliver a little more than the quote asked for: what the payment really received counts.
    const paidInPart = await resource.incomingPayments.get(made.paidInPart.id);
    expect({
      payingInFull: before.get(payingInFull.id),
      waitingForFunds: before.get(made.waitingForFunds.id),
      cancelled: before.get(made.cancelled.id),
      paidInFull: before.get(made.paidInFull.id),
      paidInPart: before.get(made.paidInPart.id),
      open: before.get(made.open.id),
    }).toEqual({
      // Deposited, then sent: what was not needed stays in the payment's account until withdrawn.
      payingInFull: (payingInFull.quote.debitAmount.value - payingInFull.sentAmount.value).toString(),
      waitingForFunds: '0',
      cancelled: '0',
      paidInFull: '400',
      paidInPart: paidInPart!.receivedAmount.value.toString(),
      open: '0',
    });
    // The same figures on the payments themselves.
    const single = await admin.ok(
      `query ($incoming: String!, $outgoing: String!) {
        incomingPayment(id: $incoming) { liquidity }
        outgoingPayment(id: $outgoing) { liquidity }
      }`,
      { incoming: made.paidInPart.id, outgoing: payingInFull.id },
    );
    expect(single).toEqual({
      incomingPayment: { liquidity: before.get(made.paidInPart.id) },
      outgoingPayment: { liquidity: before.get(payingInFull.id) },
    });

    // Paying out what an incoming payment received leaves it nothing.
    await admin.ok(
      `mutation ($input: CreateIncomingPaymentWithdrawalInput!) { createIncomingPaymentWithdrawal(input: $input) { success } }`,
      { input: { incomingPaymentId: made.paidInFull.id, idempotencyKey: randomUUID(), timeoutSeconds: 0 } },
    );
    expect((await liquidityOf()).get(made.paidInFull.id)).toBe('0');
  });

  it('lists the outgoing payments of every wallet address, filtered by receiver, wallet address and state', async () => {
    const page = await outgoingPayments({ first: 100 });
    expect(ids(page)).toEqual(outgoingIds);
    const waiting = page.edges.find((edge: Json) => edge.node.id === made.waitingForFunds.id).node;
    const quote = (made.waitingForFunds as OutgoingPayment).quote;
    expect(waiting).toEqual({
      id: made.waitingForFunds.id,
      walletAddressId: alice.id,
      state: 'FUNDING',
      receiver: quote.receiver,
      liquidity: '0',
      metadata: { orderId: 'o-2' },
      debitAmount: { value: quote.debitAmount.value.toString(), assetCode: 'USD', assetScale: 2 },
      sentAmount: { value: '0' },
      quote: { id: quote.id },
    });

    const paidInFullUrl = incomingUrl(made.paidInFull.id);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ receiver: { in: [paidInFullUrl] } }, [made.payingInFull.id]],
      [{ receiver: { notIn: [paidInFullUrl] } }, outgoingIds.filter((id) => id !== made.payingInFull.id)],
      [{ state: { in: ['FUNDING'] } }, [made.waitingForFunds.id]],
      [{ state: { notIn: ['FUNDING', 'CANCELLED'] } }, [made.payingInPart.id, made.payingInFull.id]],
      [{ walletAddressId: { in: [alice.id] } }, outgoingIds],
      [{ walletAddressId: { in: [bob.id] } }, []],
      [
        { walletAddressId: { in: [alice.id] }, state: { in: ['COMPLETED', 'CANCELLED'] } },
        [made.cancelled.id, made.payingInPart.id, made.payingInFull.id],
      ],
      [{ receiver: { in: [] }, state: { in: [] } }, outgoingIds],
      [{ walletAddressId: { in: ['not-a-uuid'] } }, []],
    ];
    for (const [filter, expected] of cases) {
      expect({ filter, ids: ids(await outgoingPayments({ first: 100, filter })) }).toEqual({ filter, ids: expected });
    }

    const first = await outgoingPayments({ first: 3 });
    const rest = await outgoingPayments({ first: 3, after: first.pageInfo.endCursor });
    expect([...ids(first), ...ids(rest)]).toEqual(outgoingIds);
    expect([first.pageInfo.hasNextPage, rest.pageInfo.hasNextPage]).toEqual([true, false]);
    const back = await outgoingPayments({ last: 3, before: rest.pageInfo.startCursor });
    expect(ids(back)).toEqual(ids(first));
    const ascending = await outgoingPayments({ first: 100, sortOrder: 'ASC' });
    expect(ids(ascending)).toEqual([...outgoingIds].reverse());
  });

  it('reads a page of payments in one query, and their liquidity in one more per kind of payment', async () => {
    const { knex } = admin.sluice.database;
    const statements: string[] = [];
    const record = (query: { sql: string }) => statements.push(query.sql);
    knex.on('query', record);
    try {
      await payments({ first: 100 });
      await outgoingPayments({ first: 100 });
    } finally {
      knex.removeListener('query', record);
    }
    // The background workers share the connection pool: count only the statements these lists make.
    const count = (pattern: RegExp) => statements.filter((sql) => pattern.test(sql)).length;
    expect({
      combinedPages: count(/union all/),
      outgoingPaymentAccounts: count(/from "ledger_accounts" where "kind" = \$1 and "owner_id" in/),
      incomingPaymentPayouts: count(/from "ledger_transfers" where "id" in/),
      outgoingPages: count(/from "outgoing_payments" order by "outgoing_payments"."id"/),
      // At most one: none when this process already knows every quote of the page (quotes never change).
      quotesOfAPage: Math.min(1, count(/from "quotes" .* where "quotes"."id" in/)),
    }).toEqual({
      combinedPages: 1,
      outgoingPaymentAccounts: 2,
      incomingPaymentPayouts: 1,
      outgoingPages: 1,
      quotesOfAPage: count(/from "quotes" .* where "quotes"."id" in/),
    });
  });

  it.each([
    ['first and last together', { first: 2, last: 2, before: '00000000-0000-7000-8000-000000000000' }],
    ['first above 100', { first: 101 }],
    ['first below 1', { first: 0 }],
    ['a cursor that is not one', { first: 2, after: 'not-a-cursor' }],
    ['last without before', { last: 2 }],
  ])('refuses %s with BAD_USER_INPUT and goes on serving', async (_name, variables) => {
    for (const query of [PAYMENTS, OUTGOING_PAYMENTS]) {
      const result = await admin.gql(query, variables);
      expect(result.status).toBe(200);
      expect(result.body.data).toBeNull();
      expect(result.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(ids(await payments({ first: 1 }))).toEqual(allIds.slice(0, 1));
  });

  it('refuses a filter of the wrong shape before running anything', async () => {
    const result = await admin.gql(PAYMENTS, { first: 2, filter: { type: { in: [1, {}] } } });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknownField = await admin.gql(PAYMENTS, { filter: { state: { in: ['PENDING'] } } });
    expect(unknownField.status).toBe(400);
  });

  it('filters the webhook event log with notIn too', async () => {
    const data = await admin.ok(
      `query ($filter: WebhookEventFilter) { webhookEvents(first: 100, filter: $filter) { edges { node { type } } } }`,
      { filter: { type: { notIn: ['incoming_payment.created'] } } },
    );
    const types = data.webhookEvents.edges.map((edge: Json) => edge.node.type);
    expect(types).toContain('outgoing_payment.created');
    expect(types).not.toContain('incoming_payment.created');
  });

  it("pages a wallet address's quotes, newest first, in both directions", async () => {
    const { knex } = admin.sluice.database;
    const quoteIds = (await knex('quotes')
      .where('wallet_address_id', alice.id)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .pluck('id')) as string[];
    expect(quoteIds).toHaveLength(4);
    const QUOTES = `query ($id: String!, $first: Int, $after: String, $last: Int, $before: String) {
      walletAddress(id: $id) {
        quotes(first: $first, after: $after, last: $last, before: $before) {
          edges { cursor node { id walletAddressId receiver debitAmount { value assetCode } receiveAmount { value } } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }
    }`;
    const first = (await admin.ok(QUOTES, { id: alice.id, first: 3 })).walletAddress.quotes;
    expect(ids(first)).toEqual(quoteIds.slice(0, 3));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.edges[0].node).toMatchObject({ walletAddressId: alice.id, debitAmount: { assetCode: 'USD' } });
    const rest = (await admin.ok(QUOTES, { id: alice.id, first: 3, after: first.pageInfo.endCursor })).walletAddress
      .quotes;
    expect(ids(rest)).toEqual(quoteIds.slice(3));
    const back = (await admin.ok(QUOTES, { id: alice.id, last: 2, before: quoteIds[3] })).walletAddress.quotes;
    expect(ids(back)).toEqual(quoteIds.slice(1, 3));
    expect((await admin.ok(QUOTES, { id: bob.id, first: 10 })).walletAddress.quotes.edges).toEqual([]);
  });
});
