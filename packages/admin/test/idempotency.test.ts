import { startAdmin, type AdminHarness } from './support/admin-harness';

const CREATE_WALLET_ADDRESS = `mutation Create($input: CreateWalletAddressInput!) {
  createWalletAddress(input: $input) { walletAddress { id address createdAt } }
}`;
const CREATE_PAYMENT = `mutation Pay($input: CreateIncomingPaymentInput!) {
  createIncomingPayment(input: $input) { payment { id incomingAmount { value } createdAt } }
}`;

describe('idempotencyKey on mutations (Rafiki semantics)', () => {
  let admin: AdminHarness;
  let assetId: string;
  const count = async (table: string) => Number((await admin.knex(table).count('* as n'))[0].n);

  beforeAll(async () => {
    admin = await startAdmin();
    assetId = await admin.createAsset();
  });
  afterAll(() => admin.stop());

  it('returns the first result for the same key and input, and changes nothing again', async () => {
    const input = { assetId, address: '/idem', idempotencyKey: 'key-wallet-1' };
    const first = await admin.ok(CREATE_WALLET_ADDRESS, { input });
    const before = await count('wallet_addresses');
    const again = await admin.ok(CREATE_WALLET_ADDRESS, { input });
    expect(again).toEqual(first);
    expect(await count('wallet_addresses')).toBe(before);
    // Without the key, the same input is a new request: the URL is taken now.
    await admin.fails(CREATE_WALLET_ADDRESS, { input: { assetId, address: '/idem' } }, 'DUPLICATE');
  });

  it('replays money-moving mutations exactly (same payment, one row, one webhook event)', async () => {
    const walletAddress = await admin.resource.walletAddresses.create({ address: '/idem-pay', assetId });
    const input = {
      walletAddressId: walletAddress.id,
      incomingAmount: { value: '500', assetCode: 'USD', assetScale: 2 },
      idempotencyKey: 'key-payment-1',
    };
    const first = await admin.ok(CREATE_PAYMENT, { input });
    const payments = await count('incoming_payments');
    const events = await count('webhook_events');
    const again = await admin.ok(CREATE_PAYMENT, { input });
    expect(again.createIncomingPayment.payment).toEqual(first.createIncomingPayment.payment);
    expect(await count('incoming_payments')).toBe(payments);
    expect(await count('webhook_events')).toBe(events);
  });

  it('refuses the same key with other input, or for another operation, and changes nothing', async () => {
    await admin.ok(CREATE_WALLET_ADDRESS, { input: { assetId, address: '/idem-2', idempotencyKey: 'key-2' } });
    const before = await count('wallet_addresses');
    const other = await admin.fails(
      CREATE_WALLET_ADDRESS,
      { input: { assetId, address: '/idem-3', idempotencyKey: 'key-2' } },
      'CONFLICT',
    );
    expect(other.message).toMatch(/different than the original request for idempotencyKey: key-2/);
    const walletAddress = await admin.resource.walletAddresses.create({ address: '/idem-4', assetId });
    await admin.fails(
      CREATE_PAYMENT,
      { input: { walletAddressId: walletAddress.id, idempotencyKey: 'key-2' } },
      'CONFLICT',
    );
    expect(await count('wallet_addresses')).toBe(before + 1);
    expect(await admin.resource.walletAddresses.getByUrl('https://wallet.example/idem-3')).toBeUndefined();
  });

  it('does not remember failures: a corrected retry with the same key runs', async () => {
    const key = 'key-after-failure';
    await admin.fails(
      CREATE_WALLET_ADDRESS,
      { input: { assetId: '00000000-0000-4000-8000-000000000000', address: '/late', idempotencyKey: key } },
      'BAD_USER_INPUT',
    );
    const retried = await admin.ok(CREATE_WALLET_ADDRESS, {
      input: { assetId, address: '/late', idempotencyKey: key },
    });
    expect(retried.createWalletAddress.walletAddress.address).toBe('https://wallet.example/late');
  });

  it('lets exactly one of concurrent requests with one key do the work', async () => {
    const input = { assetId, address: '/race', idempotencyKey: 'key-race' };
    const results = await Promise.all(Array.from({ length: 6 }, () => admin.gql(CREATE_WALLET_ADDRESS, { input })));
    const created = results.filter((result) => !result.body.errors);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(created.map((result) => result.body.data.createWalletAddress.walletAddress.id));
    expect(ids.size).toBe(1);
    for (const refused of results.filter((result) => result.body.errors)) {
      expect(refused.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/Concurrent request/),
        extensions: { code: 'CONFLICT' },
      });
    }
    expect(
      Number((await admin.knex('wallet_addresses').where('url', 'https://wallet.example/race').count('* as n'))[0].n),
    ).toBe(1);
  });

  it('keeps its records in the database, and forgets them after their lifetime', async () => {
    const row = await admin.knex('admin_idempotency_keys').where('key', 'key-wallet-1').first();
    expect(row).toMatchObject({ operation: 'createWalletAddress', state: 'done' });
    expect(row.result.walletAddress.address).toBe('https://wallet.example/idem');

    const shortLived = await startAdmin({ admin: { idempotencyTtlMs: 200 } });
    try {
      const asset = await shortLived.createAsset();
      await shortLived.ok(CREATE_WALLET_ADDRESS, { input: { assetId: asset, address: '/a', idempotencyKey: 'k' } });
      await shortLived.fails(
        CREATE_WALLET_ADDRESS,
        { input: { assetId: asset, address: '/b', idempotencyKey: 'k' } },
        'CONFLICT',
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const reused = await shortLived.ok(CREATE_WALLET_ADDRESS, {
        input: { assetId: asset, address: '/b', idempotencyKey: 'k' },
      });
      expect(reused.createWalletAddress.walletAddress.address).toBe('https://wallet.example/b');
    } finally {
      await shortLived.stop();
    }
  });

  it('refuses an empty idempotency key', async () => {
    await admin.fails(
      CREATE_WALLET_ADDRESS,
      { input: { assetId, address: '/empty-key', idempotencyKey: '' } },
      'BAD_USER_INPUT',
    );
  });
});
