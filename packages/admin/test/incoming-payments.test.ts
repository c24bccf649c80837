import { startAdmin, type AdminHarness } from './support/admin-harness';

const PAYMENT_FIELDS = `id walletAddressId client state expiresAt metadata createdAt tenantId
  incomingAmount { value assetCode assetScale }
  receivedAmount { value assetCode assetScale }`;
const CREATE = `mutation Create($input: CreateIncomingPaymentInput!) {
  createIncomingPayment(input: $input) { payment { ${PAYMENT_FIELDS} } }
}`;
const GET = `query Get($id: String!) { incomingPayment(id: $id) { ${PAYMENT_FIELDS} } }`;
const MAX_UINT64 = '18446744073709551615';

describe('incoming payments over the admin API', () => {
  let admin: AdminHarness;
  let walletAddressId: string;

  beforeAll(async () => {
    admin = await startAdmin();
    const assetId = await admin.createAsset('USD', 2);
    walletAddressId = (await admin.resource.walletAddresses.create({ address: '/shop', assetId })).id;
  });
  afterAll(() => admin.stop());

  it('creates an incoming payment through the resource server and reads it back', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const data = await admin.ok(CREATE, {
      input: {
        walletAddressId,
        incomingAmount: { value: '12345', assetCode: 'USD', assetScale: 2 },
        expiresAt,
        metadata: { orderId: 'A-1', lines: [1, 2] },
      },
    });
    const payment = data.createIncomingPayment.payment;
    expect(payment).toEqual({
      id: expect.any(String),
      walletAddressId,
      client: null,
      state: 'PENDING',
      expiresAt,
      metadata: { orderId: 'A-1', lines: [1, 2] },
      createdAt: expect.any(String),
      tenantId: expect.any(String),
      incomingAmount: { value: '12345', assetCode: 'USD', assetScale: 2 },
      receivedAmount: { value: '0', assetCode: 'USD', assetScale: 2 },
    });
    expect((await admin.ok(GET, { id: payment.id })).incomingPayment).toEqual(payment);
    // The same payment the Open Payments side sees, announced in the webhook outbox.
    expect((await admin.resource.incomingPayments.get(payment.id))?.incomingAmount?.value).toBe(12345n);
    const events = await admin.knex('webhook_events').where('type', 'incoming_payment.created');
    expect(events.map((event) => event.data.id)).toContain(payment.id);
  });

  it('carries UInt64 amounts exactly, as strings or integer literals, never as floats', async () => {
    const viaVariable = await admin.ok(CREATE, {
      input: { walletAddressId, incomingAmount: { value: MAX_UINT64, assetCode: 'USD', assetScale: 2 } },
    });
    expect(viaVariable.createIncomingPayment.payment.incomingAmount.value).toBe(MAX_UINT64);
    const viaLiteral = await admin.ok(`mutation {
      createIncomingPayment(input: {
        walletAddressId: "${walletAddressId}"
        incomingAmount: { value: ${MAX_UINT64}, assetCode: "USD", assetScale: 2 }
      }) { payment { incomingAmount { value } } }
    }`);
    expect(viaLiteral.createIncomingPayment.payment.incomingAmount.value).toBe(MAX_UINT64);
  });

  it.each([
    ['a float', 1.5],
    ['a negative number', -1],
    ['more than 2^64 - 1', '18446744073709551616'],
    ['a decimal string', '10.5'],
    ['an exponent', '1e3'],
  ])('refuses %s as an amount before anything runs (400)', async (_name, value) => {
    const before = await admin.knex('incoming_payments').count('* as n');
    const result = await admin.gql(CREATE, {
      input: { walletAddressId, incomingAmount: { value, assetCode: 'USD', assetScale: 2 } },
    });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await admin.knex('incoming_payments').count('* as n')).toEqual(before);
  });

  it.each([
    ['a zero amount', { incomingAmount: { value: '0', assetCode: 'USD', assetScale: 2 } }, /greater than zero/],
    ['another asset', { incomingAmount: { value: '5', assetCode: 'EUR', assetScale: 2 } }, /must be in USD/],
    ['a past expiry', { expiresAt: '2001-01-01T00:00:00Z' }, /future/],
    ['an expiry that is no date', { expiresAt: 'tomorrow' }, /date-time/],
    ['an expiry beyond 30 days', { expiresAt: new Date(Date.now() + 40 * 86_400_000).toISOString() }, /within/],
  ])('refuses %s with BAD_USER_INPUT', async (_name, input, message) => {
    const error = await admin.fails(CREATE, { input: { walletAddressId, ...input } }, 'BAD_USER_INPUT');
    expect(error.message).toMatch(message);
  });

  it('refuses unknown and inactive wallet addresses', async () => {
    await admin.fails(CREATE, { input: { walletAddressId: '00000000-0000-4000-8000-000000000000' } }, 'NOT_FOUND');
    await admin.fails(CREATE, { input: { walletAddressId: 'shop' } }, 'NOT_FOUND');
    const closed = await admin.resource.walletAddresses.create({
      address: '/closed',
      assetId: (await admin.resource.walletAddresses.get(walletAddressId))!.assetId,
    });
    await admin.resource.walletAddresses.update({ id: closed.id, status: 'inactive' });
    const error = await admin.fails(CREATE, { input: { walletAddressId: closed.id } }, 'INACTIVE');
    expect(error.message).toBe('inactive wallet address');
  });

  it('answers NOT_FOUND for an unknown incoming payment', async () => {
    await admin.fails(GET, { id: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND');
    await admin.fails(GET, { id: 'nope' }, 'NOT_FOUND');
  });

  it("shows state changes (completed, expired) and lists a wallet address's payments", async () => {
    const completed = (await admin.ok(CREATE, { input: { walletAddressId } })).createIncomingPayment.payment;
    await admin.resource.incomingPayments.complete(completed.id);
    expect((await admin.ok(GET, { id: completed.id })).incomingPayment.state).toBe('COMPLETED');
    const expiring = (
      await admin.ok(CREATE, { input: { walletAddressId, expiresAt: new Date(Date.now() + 300).toISOString() } })
    ).createIncomingPayment.payment;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await admin.ok(GET, { id: expiring.id })).incomingPayment.state).toBe('EXPIRED');

    const listed = await admin.ok(
      `query List($id: String!) {
        walletAddress(id: $id) { incomingPayments(first: 2) { edges { node { id state } } pageInfo { hasNextPage } } }
      }`,
      { id: walletAddressId },
    );
    expect(listed.walletAddress.incomingPayments.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([
      expiring.id,
      completed.id,
    ]);
    expect(listed.walletAddress.incomingPayments.pageInfo.hasNextPage).toBe(true);
  });

  describe('approveIncomingPayment / cancelIncomingPayment (Rafiki: the card / point-of-sale decision)', () => {
    const APPROVE = `mutation Approve($input: ApproveIncomingPaymentInput!) {
      approveIncomingPayment(input: $input) { payment { id state } }
    }`;
    const CANCEL = `mutation Cancel($input: CancelIncomingPaymentInput!) {
      cancelIncomingPayment(input: $input) { payment { id state } }
    }`;
    const create = async () =>
      (
        await admin.ok(CREATE, {
          input: { walletAddressId, incomingAmount: { value: '500', assetCode: 'USD', assetScale: 2 } },
        })
      ).createIncomingPayment.payment.id as string;

    it('approves a pending payment once, and then refuses to cancel it', async () => {
      const id = await create();
      expect((await admin.ok(APPROVE, { input: { id } })).approveIncomingPayment.payment).toEqual({
        id,
        state: 'PENDING',
      });
      const approvedAt = (await admin.resource.incomingPayments.get(id))?.approvedAt;
      expect(approvedAt).toBeInstanceOf(Date);
      await admin.ok(APPROVE, { input: { id } });
      expect((await admin.resource.incomingPayments.get(id))?.approvedAt).toEqual(approvedAt);
      expect((await admin.fails(CANCEL, { input: { id } }, 'FORBIDDEN')).message).toMatch(/approved/);
      // Still open: it receives money.
      await admin.resource.incomingPayments.credit(admin.knex, id, 100n);
    });

    it('cancels a pending payment: it expires at once, unannounced (nothing to withdraw), and takes no money', async () => {
      const id = await create();
      expect((await admin.ok(CANCEL, { input: { id } })).cancelIncomingPayment.payment).toEqual({
        id,
        state: 'EXPIRED',
      });
      expect((await admin.ok(CANCEL, { input: { id } })).cancelIncomingPayment.payment).toEqual({
        id,
        state: 'EXPIRED',
      });
      expect((await admin.fails(APPROVE, { input: { id } }, 'FORBIDDEN')).message).toMatch(/cancelled/);
      await expect(admin.resource.incomingPayments.credit(admin.knex, id, 1n)).rejects.toMatchObject({
        code: 'not_receiving',
      });
      const ended = await admin.knex('webhook_events').whereRaw(`data->>'id' = ?`, [id]).pluck('type');
      expect(ended).toEqual(['incoming_payment.created']);
      expect((await admin.resource.incomingPayments.get(id))?.cancelledAt).toBeInstanceOf(Date);
    });

    it('refuses a payment that is no longer pending, and unknown ids', async () => {
      const paid = await create();
      await admin.resource.incomingPayments.credit(admin.knex, paid, 100n);
      await admin.fails(CANCEL, { input: { id: paid } }, 'CONFLICT');
      await admin.fails(APPROVE, { input: { id: paid } }, 'CONFLICT');
      await admin.fails(APPROVE, { input: { id: '0193a1b2-0000-7000-8000-000000000000' } }, 'NOT_FOUND');
      await admin.fails(CANCEL, { input: { id: 'nope' } }, 'NOT_FOUND');
    });
  });
});
