// Rafiki's card / point-of-sale flow (POLL_INCOMING_PAYMENT_CREATED_WEBHOOK): an incoming payment's creation answers
// only after the operator, told by the signed incoming_payment.created webhook, approved it over the admin API; a
// cancellation or no decision in time refuses the creation and ends the payment, so nobody can pay into it.
import type { SluiceInstance } from '@sluice/server';
import {
  adminGraphql,
  createAccount,
  grantToken,
  startTestSluice,
  startWebhookOperatorEndpoint,
  type TestAccount,
  type WebhookOperatorEndpoint,
} from '../../../test-support';

const SECRET = 'pos-operator-secret';
const APPROVE = `mutation($input: ApproveIncomingPaymentInput!) { approveIncomingPayment(input: $input) { payment { id } } }`;
const CANCEL = `mutation($input: CancelIncomingPaymentInput!) { cancelIncomingPayment(input: $input) { payment { id } } }`;

describe('incoming payments waiting for the operator (POLL_INCOMING_PAYMENT_CREATED_WEBHOOK)', () => {
  let operator: WebhookOperatorEndpoint;
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;
  const decisions: string[] = [];

  beforeAll(async () => {
    // The operator decides from the payment's metadata (a point of sale would ask its card network).
    operator = await startWebhookOperatorEndpoint(SECRET, async (event) => {
      if (event.type !== 'incoming_payment.created') return;
      const decision = ((event.data.metadata as { decision?: string } | undefined)?.decision ?? 'approve') as string;
      if (decision === 'ignore') return;
      const result = await adminGraphql(sluice, decision === 'approve' ? APPROVE : CANCEL, {
        input: { id: event.data.id },
      });
      decisions.push(`${decision}:${result.errors ? 'failed' : 'ok'}`);
    });
    sluice = await startTestSluice({
      WEBHOOK_URL: operator.url,
      WEBHOOK_SECRET: SECRET,
      POLL_INCOMING_PAYMENT_CREATED_WEBHOOK: 'true',
      INCOMING_PAYMENT_CREATED_POLL_TIMEOUT_MS: '1500',
    });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 10_000n });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
  });
  afterAll(async () => {
    await sluice.stop();
    await operator.close();
  });

  const createIncoming = async (decision: string) => {
    const token = await grantToken(alice.client, sluice.publicUrls.authServer, {
      access: [{ type: 'incoming-payment', actions: ['create', 'read'], identifier: bob.walletAddress.url }],
    });
    return alice.client.incomingPayment.create(
      { url: sluice.publicUrls.openPayments, accessToken: token },
      {
        walletAddress: bob.walletAddress.url,
        incomingAmount: { value: '700', assetCode: 'USD', assetScale: 2 },
        metadata: { decision },
      },
    );
  };
  const paymentWith = async (decision: string) => {
    const row = await sluice.database
      .knex('incoming_payments')
      .whereRaw(`metadata->>'decision' = ?`, [decision])
      .first('id');
    return sluice.services.resource!.incomingPayments.get(row.id as string);
  };

  it('answers the creation once the operator approved it', async () => {
    const payment = await createIncoming('approve');
    expect(payment.incomingAmount).toEqual({ value: '700', assetCode: 'USD', assetScale: 2 });
    expect(payment.completed).toBe(false);
    const stored = await paymentWith('approve');
    expect(stored?.approvedAt).toBeInstanceOf(Date);
    expect(stored?.state).toBe('pending');
    expect(operator.received.find((event) => event.data.id === stored?.id)?.signed).toBe(true);
  });

  it('refuses the creation (403) when the operator cancels it, and the payment takes no money', async () => {
    await expect(createIncoming('cancel')).rejects.toMatchObject({ status: 403 });
    const stored = await paymentWith('cancel');
    expect(stored).toMatchObject({ state: 'expired', cancelledAt: expect.any(Date) });
    await expect(
      sluice.services.resource!.incomingPayments.credit(sluice.database.knex, stored!.id, 1n),
    ).rejects.toMatchObject({ code: 'not_receiving' });
  });

  it('refuses the creation when no decision comes in time; a late approval is then refused', async () => {
    const started = Date.now();
    await expect(createIncoming('ignore')).rejects.toMatchObject({ status: 403 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    const stored = await paymentWith('ignore');
    expect(stored).toMatchObject({ state: 'expired' });
    expect(stored?.cancelledAt).toBeUndefined();
    const late = await adminGraphql(sluice, APPROVE, { input: { id: stored!.id } });
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('waits for the decision on the incoming payment a quote creates at a wallet address here', async () => {
    const token = await grantToken(alice.client, sluice.publicUrls.authServer, {
      access: [{ type: 'quote', actions: ['create', 'read'] }],
    });
    const quote = await alice.client.quote.create(
      { url: sluice.publicUrls.openPayments, accessToken: token },
      {
        walletAddress: alice.walletAddress.url,
        receiver: bob.walletAddress.url,
        method: 'ilp',
        debitAmount: { value: '300', assetCode: 'USD', assetScale: 2 },
      },
    );
    const receiverId = quote.receiver.split('/').pop() as string;
    expect((await sluice.services.resource!.incomingPayments.get(receiverId))?.approvedAt).toBeInstanceOf(Date);
    expect(decisions.filter((decision) => decision.endsWith(':failed'))).toEqual([]);
  });
});
