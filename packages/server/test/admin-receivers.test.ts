// Rafiki's admin createReceiver / receiver / updateIncomingPayment against live instances: an operator creates and
// reads incoming payments at wallet addresses on its own instance and on another Open Payments server (through grants
// this instance asks for there), as a wallet does before quoting a payment to a payment pointer.
import type { SluiceInstance } from '@sluice/server';
import { adminGraphql, createAccount, startTestSluice, type TestAccount } from '../../../test-support';

const RECEIVER_FIELDS = `id walletAddressUrl completed incomingAmount { value assetCode assetScale }
  receivedAmount { value assetCode assetScale } expiresAt metadata createdAt`;
const CREATE = `mutation ($input: CreateReceiverInput!) { createReceiver(input: $input) { receiver { ${RECEIVER_FIELDS} } } }`;
const READ = `query ($id: String!) { receiver(id: $id) { ${RECEIVER_FIELDS} } }`;

describe('receivers through the admin API', () => {
  let a: SluiceInstance;
  let b: SluiceInstance;
  let carol: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startTestSluice({ ILP_ADDRESS: 'test.alpha' }),
      startTestSluice({ ILP_ADDRESS: 'test.beta' }),
    ]);
    carol = await createAccount(a, { path: '/carol', assetCode: 'USD', assetScale: 2 });
    bob = await createAccount(b, { path: '/bob', assetCode: 'EUR', assetScale: 2 });
  });
  afterAll(() => Promise.all([a.stop(), b.stop()]));

  it('creates and reads an incoming payment at a wallet address on another server', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await adminGraphql(a, CREATE, {
      input: {
        walletAddressUrl: bob.walletAddress.url,
        incomingAmount: { value: '500', assetCode: 'EUR', assetScale: 2 },
        expiresAt,
        metadata: { invoice: 'A-1' },
      },
    });
    expect(created.errors).toBeUndefined();
    const receiver = (created.data!.createReceiver as { receiver: Record<string, unknown> }).receiver;
    expect(receiver).toEqual({
      id: expect.stringMatching(new RegExp(`^${b.publicUrls.openPayments}/incoming-payments/`)),
      walletAddressUrl: bob.walletAddress.url,
      completed: false,
      incomingAmount: { value: '500', assetCode: 'EUR', assetScale: 2 },
      receivedAmount: { value: '0', assetCode: 'EUR', assetScale: 2 },
      expiresAt,
      metadata: { invoice: 'A-1' },
      createdAt: expect.any(String),
    });
    // It is B's incoming payment, as B's own services see it.
    const atB = await b.services.resource!.incomingPayments.get((receiver.id as string).split('/').pop() as string);
    expect(atB).toMatchObject({ walletAddressId: bob.walletAddress.id, metadata: { invoice: 'A-1' } });

    const read = await adminGraphql(a, READ, { id: receiver.id });
    expect(read.data!.receiver).toEqual(receiver);
  });

  it('creates one on its own wallet address, and updates its metadata', async () => {
    const created = await adminGraphql(a, CREATE, { input: { walletAddressUrl: carol.walletAddress.url } });
    const receiver = (created.data!.createReceiver as { receiver: Record<string, unknown> }).receiver;
    expect(receiver).toMatchObject({
      id: expect.stringMatching(new RegExp(`^${a.publicUrls.openPayments}/incoming-payments/`)),
      walletAddressUrl: carol.walletAddress.url,
      completed: false,
      incomingAmount: null,
      receivedAmount: { value: '0', assetCode: 'USD', assetScale: 2 },
      metadata: null,
    });
    const id = (receiver.id as string).split('/').pop() as string;
    const updated = await adminGraphql(
      a,
      `mutation ($input: UpdateIncomingPaymentInput!) { updateIncomingPayment(input: $input) { payment { id metadata } } }`,
      { input: { id, metadata: { note: 'paid in person' } } },
    );
    expect(updated.data!.updateIncomingPayment).toEqual({ payment: { id, metadata: { note: 'paid in person' } } });
    expect((await adminGraphql(a, READ, { id: receiver.id })).data!.receiver).toMatchObject({
      metadata: { note: 'paid in person' },
    });
  });

  it('refuses an amount in another asset than the receiver’s, and a URL with no wallet address', async () => {
    const wrongAsset = await adminGraphql(a, CREATE, {
      input: {
        walletAddressUrl: bob.walletAddress.url,
        incomingAmount: { value: '5', assetCode: 'USD', assetScale: 2 },
      },
    });
    expect(wrongAsset.errors?.[0]).toMatchObject({
      message: expect.stringContaining('EUR'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const nowhere = await adminGraphql(a, CREATE, {
      input: { walletAddressUrl: `${a.publicUrls.openPayments}/nobody` },
    });
    expect(nowhere.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknownPayment = await adminGraphql(
      a,
      `mutation ($input: UpdateIncomingPaymentInput!) { updateIncomingPayment(input: $input) { payment { id } } }`,
      { input: { id: '00000000-0000-4000-8000-000000000000', metadata: {} } },
    );
    expect(unknownPayment.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
