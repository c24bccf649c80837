import fc from 'fast-check';
import { arrayList, pageOf, readPageArgs } from '../src/graphql/pagination';
import { startAdmin, type AdminHarness } from './support/admin-harness';

const WALLET_ADDRESSES = `query Page($first: Int, $after: String, $last: Int, $before: String, $sortOrder: SortOrder) {
  walletAddresses(first: $first, after: $after, last: $last, before: $before, sortOrder: $sortOrder) {
    edges { cursor node { id address } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}`;
const EVENTS = `query Events($first: Int, $after: String, $last: Int, $before: String, $sortOrder: SortOrder,
    $filter: WebhookEventFilter) {
  webhookEvents(first: $first, after: $after, last: $last, before: $before, sortOrder: $sortOrder, filter: $filter) {
    edges { cursor node { id type data createdAt tenantId } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}`;

const OLDEST_FIRST = [
  { column: 'created_at', order: 'asc' as const },
  { column: 'id', order: 'asc' as const },
];

interface Connection {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { startCursor: string | null; endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
}
const ids = (connection: Connection) => connection.edges.map((edge) => edge.node.id);

describe('cursor pagination (Rafiki: first/after, last/before, sortOrder, newest first by default)', () => {
  let admin: AdminHarness;
  /** Oldest first. */
  const created: string[] = [];

  beforeAll(async () => {
    admin = await startAdmin();
    const assetId = await admin.createAsset();
    for (let i = 0; i < 7; i++) await admin.resource.walletAddresses.create({ address: `/p${i}`, assetId });
    // The order pages follow is (created_at, id); rows made within one clock tick tie on created_at.
    created.push(...(await admin.knex('wallet_addresses').orderBy(OLDEST_FIRST).pluck('id')));
  });
  afterAll(() => admin.stop());

  const page = async (variables: Record<string, unknown>): Promise<Connection> =>
    (await admin.ok(WALLET_ADDRESSES, variables)).walletAddresses;

  it('pages forward and backward, newest first', async () => {
    const newestFirst = [...created].reverse();
    const first = await page({ first: 3 });
    expect(ids(first)).toEqual(newestFirst.slice(0, 3));
    expect(first.edges.map((edge) => edge.cursor)).toEqual(ids(first));
    expect(first.pageInfo).toEqual({
      startCursor: newestFirst[0],
      endCursor: newestFirst[2],
      hasNextPage: true,
      hasPreviousPage: false,
    });
    const second = await page({ first: 3, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(newestFirst.slice(3, 6));
    const third = await page({ first: 3, after: second.pageInfo.endCursor });
    expect(ids(third)).toEqual(newestFirst.slice(6));
    expect(third.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await page({ last: 2, before: third.pageInfo.startCursor });
    expect(ids(back)).toEqual(newestFirst.slice(4, 6));
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const start = await page({ last: 5, before: newestFirst[2] });
    expect(ids(start)).toEqual(newestFirst.slice(0, 2));
    expect(start.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it('pages forward and backward, oldest first', async () => {
    const first = await page({ first: 3, sortOrder: 'ASC' });
    expect(ids(first)).toEqual(created.slice(0, 3));
    expect(first.pageInfo).toEqual({
      startCursor: created[0],
      endCursor: created[2],
      hasNextPage: true,
      hasPreviousPage: false,
    });
    const second = await page({ first: 3, after: first.pageInfo.endCursor, sortOrder: 'ASC' });
    expect(ids(second)).toEqual(created.slice(3, 6));
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const back = await page({ last: 2, before: second.pageInfo.startCursor, sortOrder: 'ASC' });
    expect(ids(back)).toEqual(created.slice(1, 3));
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const end = await page({ first: 10, after: created[4], sortOrder: 'ASC' });
    expect(ids(end)).toEqual(created.slice(5));
    expect(end.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('defaults to 20 items and answers an empty page past the end', async () => {
    expect(ids(await page({}))).toEqual([...created].reverse());
    const empty = await page({ first: 3, after: created[0] });
    expect(empty).toEqual({
      edges: [],
      pageInfo: { startCursor: null, endCursor: null, hasNextPage: false, hasPreviousPage: true },
    });
  });

  it.each([
    [{ first: 0 }, /first must be/],
    [{ first: 101 }, /first must be/],
    [{ last: 2 }, /backwards from the start/],
    [{ first: 2, before: '00000000-0000-4000-8000-000000000000' }, /not both/],
    [{ first: 2, after: 'not-a-cursor' }, /cursor/],
  ])('refuses %j with BAD_USER_INPUT', async (variables, message) => {
    const error = await admin.fails(WALLET_ADDRESSES, variables, 'BAD_USER_INPUT');
    expect(error.message).toMatch(message);
  });

  it('pages the webhook event log both ways and filters it by type', async () => {
    const walletAddress = (await admin.resource.walletAddresses.get(created[0]))!;
    for (let i = 0; i < 4; i++) await admin.resource.incomingPayments.create({ walletAddress });
    const payments = (
      await admin.knex('webhook_events').where('type', 'incoming_payment.created').orderBy(OLDEST_FIRST).select('data')
    ).map((row) => row.data as { id: string });
    // Paid into, so its completion is announced (an unpaid payment ends unannounced, as in Rafiki).
    await admin.resource.incomingPayments.credit(admin.knex, payments[1].id, 1n);
    await admin.resource.incomingPayments.complete(payments[1].id);
    const filter = { type: { in: ['incoming_payment.created'] } };
    const events = async (variables: Record<string, unknown>): Promise<Connection> =>
      (await admin.ok(EVENTS, variables)).webhookEvents;
    const paymentIdsOf = (connection: Connection) =>
      connection.edges.map((edge) => (edge.node as unknown as { data: { id: string } }).data.id);

    const firstTwo = await events({ first: 2, filter });
    expect(paymentIdsOf(firstTwo)).toEqual([payments[3].id, payments[2].id]);
    expect(firstTwo.edges[0].node).toMatchObject({ type: 'incoming_payment.created', tenantId: expect.any(String) });
    const nextTwo = await events({ first: 2, after: firstTwo.pageInfo.endCursor, filter });
    expect(paymentIdsOf(nextTwo)).toEqual([payments[1].id, payments[0].id]);
    expect(nextTwo.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const backOne = await events({ last: 1, before: nextTwo.pageInfo.startCursor, filter });
    expect(paymentIdsOf(backOne)).toEqual([payments[2].id]);
    const ascending = await events({ first: 10, sortOrder: 'ASC', filter });
    expect(paymentIdsOf(ascending)).toEqual(payments.map((payment) => payment.id));

    const completed = await events({ filter: { type: { in: ['incoming_payment.completed'] } } });
    expect(paymentIdsOf(completed)).toEqual([payments[1].id]);
    const all = await events({ first: 100 });
    expect(new Set(all.edges.map((edge) => (edge.node as unknown as { type: string }).type))).toEqual(
      new Set(['incoming_payment.created', 'incoming_payment.completed']),
    );
  });
});

describe('pageOf over a newest-first list, against a plain slice of the ordered items', () => {
  const window = fc.record({
    count: fc.integer({ min: 0, max: 12 }),
    size: fc.integer({ min: 1, max: 6 }),
    cursorAt: fc.option(fc.nat(), { nil: undefined }),
    backward: fc.boolean(),
    ascending: fc.boolean(),
  });

  it('matches the oracle for every order, direction and cursor', async () => {
    await fc.assert(
      fc.asyncProperty(window, async ({ count, size, cursorAt, backward, ascending }) => {
        // Ids that sort like creation order, so the oracle is a slice of a sorted array.
        const oldestFirst = Array.from({ length: count }, (_, i) => ({
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        }));
        const cursor = cursorAt === undefined || count === 0 ? undefined : oldestFirst[cursorAt % count].id;
        if (backward && cursor === undefined) return; // refused by readPageArgs, tested above
        const sortOrder = ascending ? 'ASC' : 'DESC';
        const args = backward ? { last: size, before: cursor, sortOrder } : { first: size, after: cursor, sortOrder };
        const page = await pageOf(arrayList([...oldestFirst].reverse()), readPageArgs(args as never));

        const ordered = ascending ? oldestFirst : [...oldestFirst].reverse();
        const at = cursor === undefined ? -1 : ordered.findIndex((item) => item.id === cursor);
        const expected = backward ? ordered.slice(Math.max(0, at - size), at) : ordered.slice(at + 1, at + 1 + size);
        expect(page.items.map((item) => item.id)).toEqual(expected.map((item) => item.id));
        if (backward) {
          expect(page.pageInfo.hasPreviousPage).toBe(at - size > 0);
          expect(page.pageInfo.hasNextPage).toBe(true);
        } else {
          expect(page.pageInfo.hasNextPage).toBe(at + 1 + size < ordered.length);
          expect(page.pageInfo.hasPreviousPage).toBe(cursor !== undefined);
        }
        expect(page.pageInfo.startCursor).toBe(expected[0]?.id);
        expect(page.pageInfo.endCursor).toBe(expected[expected.length - 1]?.id);
      }),
    );
  });
});
