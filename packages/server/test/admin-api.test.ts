// The admin GraphQL API as wired in the server: an operator creates an asset, deposits liquidity, creates a wallet
// address and credits it, and the payment machinery sees all of it at once (the connector's routing included).
import { randomUUID } from 'node:crypto';
import { signAdminRequest } from '@sluice/admin';
import type { SluiceInstance } from '@sluice/server';
import { startTestSluice } from '../../../test-support';

describe('admin API in the running server', () => {
  let sluice: SluiceInstance;
  beforeAll(async () => (sluice = await startTestSluice({ SLUICE_SERVICES: 'admin,resource,auth' })));
  afterAll(() => sluice.stop());

  async function graphql(
    query: string,
    variables: Record<string, unknown> = {},
    secret = sluice.secrets.adminApiSecret,
  ) {
    // A nonce in extensions, as the console adds: identical requests within one second would otherwise be replays.
    const body = { query, variables, extensions: { nonce: randomUUID() } };
    const response = await fetch(`${sluice.urls.admin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', signature: signAdminRequest(secret, body) },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      json: (await response.json()) as {
        data?: Record<string, Record<string, Record<string, unknown>>>;
        errors?: unknown[];
      },
    };
  }

  const usdAssetId = async () =>
    (
      (await graphql('{ assetByCodeAndScale(code: "USD", scale: 2) { id } }')).json.data
        ?.assetByCodeAndScale as unknown as { id: string }
    ).id;
  /** A wallet address at `<OPEN_PAYMENTS_URL>/<path>` in the asset, made over the admin API. */
  const createWalletAddress = (assetId: string, path: string) =>
    graphql(
      'mutation ($input: CreateWalletAddressInput!) { createWalletAddress(input: $input) { walletAddress { id address } } }',
      { input: { assetId, address: `${sluice.publicUrls.openPayments}/${path}` } },
    ).then((result) => result.json.data?.createWalletAddress.walletAddress as { id: string; address: string });

  it('refuses unsigned or wrongly signed requests', async () => {
    const unsigned = await fetch(`${sluice.urls.admin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ assets { edges { node { id } } } }' }),
    });
    expect(unsigned.status).toBe(401);
    expect((await graphql('{ assets { edges { node { id } } } }', {}, 'wrong-secret')).status).toBe(401);
  });

  it('creates an asset and a wallet address that Open Payments serves at once', async () => {
    const asset = await graphql(
      'mutation ($input: CreateAssetInput!) { createAsset(input: $input) { asset { id code scale } } }',
      { input: { code: 'USD', scale: 2 } },
    );
    expect(asset.status).toBe(200);
    const assetId = (asset.json.data?.createAsset.asset as { id: string }).id;
    const walletAddress = await graphql(
      'mutation ($input: CreateWalletAddressInput!) { createWalletAddress(input: $input) { walletAddress { id address status } } }',
      {
        input: {
          assetId,
          address: `${sluice.publicUrls.openPayments}/operator-made`,
          publicName: 'Made by the operator',
        },
      },
    );
    expect(walletAddress.json.errors).toBeUndefined();
    expect(walletAddress.json.data?.createWalletAddress.walletAddress).toMatchObject({ status: 'ACTIVE' });
    const document = await fetch(`${sluice.publicUrls.openPayments}/operator-made`);
    expect(document.status).toBe(200);
    expect(await document.json()).toMatchObject({
      assetCode: 'USD',
      assetScale: 2,
      publicName: 'Made by the operator',
    });
  });

  it('credits a wallet address balance once per idempotency key and resolves its names', async () => {
    const assetId = await usdAssetId();
    const created = await graphql(
      'mutation ($input: CreateWalletAddressInput!) { createWalletAddress(input: $input) { walletAddress { id ilpAddress } } }',
      { input: { assetId, address: `${sluice.publicUrls.openPayments}/funded` } },
    );
    const walletAddress = created.json.data?.createWalletAddress.walletAddress as { id: string; ilpAddress: string };
    expect(walletAddress.ilpAddress).toBe('test.sluice.funded');
    const deposit = {
      input: {
        id: '0f5e7b36-2f5b-4a0e-9d3e-6e3f4a1b2c3d',
        walletAddressId: walletAddress.id,
        amount: '2500',
        idempotencyKey: 'deposit-1',
      },
    };
    const mutation =
      'mutation ($input: DepositWalletAddressLiquidityInput!) { depositWalletAddressLiquidity(input: $input) { success } }';
    expect((await graphql(mutation, deposit)).json.errors).toBeUndefined();
    expect((await graphql(mutation, deposit)).json.errors).toBeUndefined();
    const read = await graphql('query ($id: String!) { walletAddress(id: $id) { balance liquidity } }', {
      id: walletAddress.id,
    });
    expect(read.json.data?.walletAddress).toEqual({ balance: '2500', liquidity: '2500' });
    const resolved = await graphql('query ($name: String!) { resolveAddress(name: $name) { id } }', {
      name: 'test.sluice.funded.some-stream-token',
    });
    expect(resolved.json.data?.resolveAddress).toEqual({ id: walletAddress.id });
  });
  it('quotes and pays between two wallet addresses, and reads the payment back', async () => {
    const assetId = await usdAssetId();
    const payer = await createWalletAddress(assetId, 'payer');
    const payee = await createWalletAddress(assetId, 'payee');
    await graphql(
      'mutation ($input: DepositWalletAddressLiquidityInput!) { depositWalletAddressLiquidity(input: $input) { success } }',
      {
        input: {
          id: '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          walletAddressId: payer.id,
          amount: '10000',
          idempotencyKey: 'fund-payer',
        },
      },
    );
    const quote = await graphql(
      'mutation ($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id debitAmount { value } receiveAmount { value assetCode } estimatedExchangeRate } } }',
      {
        input: {
          walletAddressId: payer.id,
          receiver: payee.address,
          receiveAmount: { value: '1500', assetCode: 'USD', assetScale: 2 },
        },
      },
    );
    expect(quote.json.errors).toBeUndefined();
    const quoted = quote.json.data?.createQuote.quote as { id: string; receiveAmount: { value: string } };
    expect(quoted.receiveAmount.value).toBe('1500');
    // Same asset, same server: one for one, nothing to probe.
    expect(quote.json.data?.createQuote.quote).toMatchObject({ estimatedExchangeRate: 1 });
    const created = await graphql(
      'mutation ($input: CreateOutgoingPaymentInput!) { createOutgoingPayment(input: $input) { payment { id state } } }',
      { input: { walletAddressId: payer.id, quoteId: quoted.id } },
    );
    expect(created.json.errors).toBeUndefined();
    const paymentId = (created.json.data?.createOutgoingPayment.payment as { id: string }).id;
    let state = '';
    for (let i = 0; i < 200 && state !== 'COMPLETED'; i++) {
      const read = await graphql('query ($id: String!) { outgoingPayment(id: $id) { state sentAmount { value } } }', {
        id: paymentId,
      });
      state = (read.json.data?.outgoingPayment as unknown as { state: string }).state;
      if (state !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(state).toBe('COMPLETED');
    const listed = await graphql(
      'query ($id: String!) { walletAddress(id: $id) { outgoingPayments(first: 5) { edges { node { id state } } } } }',
      { id: payer.id },
    );
    expect(listed.json.data?.walletAddress.outgoingPayments).toEqual({
      edges: [{ node: { id: paymentId, state: 'COMPLETED' } }],
    });
    // The payee's money leaves the ledger once; the payer's remaining balance can be withdrawn whole.
    const payeeIncoming = await sluice.database
      .knex('incoming_payments')
      .where('wallet_address_id', payee.id)
      .first('id');
    const withdrawIncoming = (key: string) =>
      graphql(
        'mutation ($input: CreateIncomingPaymentWithdrawalInput!) { createIncomingPaymentWithdrawal(input: $input) { success } }',
        { input: { incomingPaymentId: payeeIncoming.id, idempotencyKey: key, timeoutSeconds: '0' } },
      );
    expect((await withdrawIncoming('payout-1')).json.errors).toBeUndefined();
    expect((await withdrawIncoming('payout-2')).json.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'DUPLICATE' } }),
    ]);
    const payeeBalance = await graphql('query ($id: String!) { walletAddress(id: $id) { balance } }', { id: payee.id });
    expect(payeeBalance.json.data?.walletAddress).toEqual({ balance: '0' });
    const withdrawal = await graphql(
      'mutation ($input: CreateWalletAddressWithdrawalInput!) { createWalletAddressWithdrawal(input: $input) { withdrawal { amount walletAddress { id } } } }',
      {
        input: {
          id: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
          walletAddressId: payer.id,
          idempotencyKey: 'drain',
          timeoutSeconds: '0',
        },
      },
    );
    expect(withdrawal.json.errors).toBeUndefined();
    expect(withdrawal.json.data?.createWalletAddressWithdrawal.withdrawal).toEqual({
      amount: String(10000 - 1500),
      walletAddress: { id: payer.id },
    });
    const missing = await graphql('{ outgoingPayment(id: "00000000-0000-0000-0000-000000000000") { id } }');
    expect(missing.json.errors).toEqual([expect.objectContaining({ extensions: { code: 'NOT_FOUND' } })]);
  });

  it('pays an incoming payment with createOutgoingPaymentFromIncomingPayment, for what it expects when no debitAmount is given', async () => {
    const assetId = await usdAssetId();
    const payer = (await createWalletAddress(assetId, 'card-payer')).id;
    const merchant = (await createWalletAddress(assetId, 'merchant')).id;
    await graphql(
      'mutation ($input: DepositWalletAddressLiquidityInput!) { depositWalletAddressLiquidity(input: $input) { success } }',
      { input: { id: randomUUID(), walletAddressId: payer, amount: '5000', idempotencyKey: randomUUID() } },
    );
    const incoming = async (incomingAmount?: string) => {
      const result = await graphql(
        'mutation ($input: CreateIncomingPaymentInput!) { createIncomingPayment(input: $input) { payment { id } } }',
        {
          input: {
            walletAddressId: merchant,
            ...(incomingAmount ? { incomingAmount: { value: incomingAmount, assetCode: 'USD', assetScale: 2 } } : {}),
          },
        },
      );
      const { id } = result.json.data?.createIncomingPayment.payment as { id: string };
      return { id, url: `${sluice.publicUrls.openPayments}/incoming-payments/${id}` };
    };
    const pay = (incomingPayment: string, debitAmount?: string) =>
      graphql(
        `
          mutation ($input: CreateOutgoingPaymentFromIncomingPaymentInput!) {
            createOutgoingPaymentFromIncomingPayment(input: $input) {
              payment {
                id
                debitAmount {
                  value
                }
                receiveAmount {
                  value
                }
              }
            }
          }
        `,
        {
          input: {
            walletAddressId: payer,
            incomingPayment,
            ...(debitAmount ? { debitAmount: { value: debitAmount, assetCode: 'USD', assetScale: 2 } } : {}),
          },
        },
      );
    const receivedBy = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const read = await graphql(
          'query ($id: String!) { incomingPayment(id: $id) { state receivedAmount { value } } }',
          {
            id,
          },
        );
        const payment = read.json.data?.incomingPayment as unknown as {
          state: string;
          receivedAmount: { value: string };
        };
        if (payment.state === 'COMPLETED') return payment.receivedAmount.value;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`incoming payment ${id} did not complete`);
    };

    // No debitAmount: the payment is for what the incoming payment expects, and completes it.
    const expecting = await incoming('1234');
    const whole = await pay(expecting.url);
    expect(whole.json.errors).toBeUndefined();
    expect(whole.json.data?.createOutgoingPaymentFromIncomingPayment.payment).toMatchObject({
      debitAmount: { value: '1234' },
      receiveAmount: { value: '1234' },
    });
    expect(await receivedBy(expecting.id)).toBe('1234');

    // With one: that much is sent, to an incoming payment with no amount of its own.
    const open = await incoming();
    const part = await pay(open.url, '300');
    expect(part.json.data?.createOutgoingPaymentFromIncomingPayment.payment).toMatchObject({
      debitAmount: { value: '300' },
      receiveAmount: { value: '300' },
    });
    // Neither: nothing says how much, and nothing is created.
    const unsaid = await pay((await incoming()).url);
    expect(unsaid.json.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('incomingAmount'),
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
  });

  it('pays out what a completed payment kept (its fee) with createOutgoingPaymentWithdrawal, once', async () => {
    // Its own asset, so the fee does not change the other tests' amounts.
    const asset = await graphql(
      'mutation ($input: CreateAssetInput!) { createAsset(input: $input) { asset { id } } }',
      { input: { code: 'GBP', scale: 2 } },
    );
    const assetId = (asset.json.data?.createAsset.asset as { id: string }).id;
    const fee = await graphql('mutation ($input: SetFeeInput!) { setFee(input: $input) { fee { id } } }', {
      input: { assetId, type: 'SENDING', fee: { fixed: '7', basisPoints: 0 } },
    });
    expect(fee.json.errors).toBeUndefined();
    const payer = await createWalletAddress(assetId, 'fee-payer');
    const payee = await createWalletAddress(assetId, 'fee-payee');
    await graphql(
      'mutation ($input: DepositWalletAddressLiquidityInput!) { depositWalletAddressLiquidity(input: $input) { success } }',
      { input: { id: randomUUID(), walletAddressId: payer.id, amount: '1000', idempotencyKey: randomUUID() } },
    );
    const quote = await graphql(
      'mutation ($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id debitAmount { value } } } }',
      {
        input: {
          walletAddressId: payer.id,
          receiver: payee.address,
          receiveAmount: { value: '100', assetCode: 'GBP', assetScale: 2 },
        },
      },
    );
    const quoted = quote.json.data?.createQuote.quote as { id: string; debitAmount: { value: string } };
    const created = await graphql(
      'mutation ($input: CreateOutgoingPaymentInput!) { createOutgoingPayment(input: $input) { payment { id } } }',
      { input: { walletAddressId: payer.id, quoteId: quoted.id } },
    );
    const paymentId = (created.json.data?.createOutgoingPayment.payment as { id: string }).id;
    const read = () =>
      graphql('query ($id: String!) { outgoingPayment(id: $id) { state liquidity } }', { id: paymentId }).then(
        (result) => result.json.data?.outgoingPayment as unknown as { state: string; liquidity: string },
      );
    let payment = await read();
    for (let i = 0; i < 200 && payment.state !== 'COMPLETED'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      payment = await read();
    }
    expect(payment).toEqual({ state: 'COMPLETED', liquidity: '7' });
    const withdraw = () =>
      graphql(
        'mutation ($input: CreateOutgoingPaymentWithdrawalInput!) { createOutgoingPaymentWithdrawal(input: $input) { success } }',
        { input: { outgoingPaymentId: paymentId, idempotencyKey: randomUUID(), timeoutSeconds: '0' } },
      );
    // The payment was funded from the wallet by a transfer of its own; the payout must not be mistaken for it.
    expect((await withdraw()).json).toEqual({ data: { createOutgoingPaymentWithdrawal: { success: true } } });
    expect((await read()).liquidity).toBe('0');
    expect((await withdraw()).json.errors).toEqual([
      expect.objectContaining({ message: 'the payment has nothing left to withdraw' }),
    ]);
  });
});
