// Rules a wallet provider relies on, exercised with the official SDK against a live Sluice: grant limits hold under
// concurrent payments, an expired quote cannot be paid, a token works only for its own client and wallet address,
// lists page in both directions, and an unfunded wallet cannot pay.
import { randomUUID } from 'node:crypto';
import { isPendingGrant, type Quote } from '@interledger/open-payments';
import type { SluiceInstance } from '@sluice/server';
import {
  approveInteraction,
  continueGrant,
  createAccount,
  eventually,
  startTestSluice,
  type TestAccount,
  grantToken,
} from '../../../test-support';

describe('Open Payments rules', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;
  let mallory: TestAccount;

  beforeAll(async () => {
    sluice = await startTestSluice({
      WAIT_SECONDS: '1',
      IDENTITY_SERVER_URL: 'http://127.0.0.1:9/idp',
      QUOTE_LIFESPAN_SECONDS: '2',
    });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 1_000_000n });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
    mallory = await createAccount(sluice, { path: '/mallory', assetCode: 'USD', assetScale: 2 });
  });
  afterAll(() => sluice.stop());

  const url = (account: TestAccount) => account.walletAddress.url;
  const rs = () => sluice.publicUrls.openPayments;
  const as = () => sluice.publicUrls.authServer;

  async function quoteFor(debit: string): Promise<Quote> {
    const token = await grantToken(alice.client, as(), { access: [{ type: 'quote', actions: ['create', 'read'] }] });
    return alice.client.quote.create(
      { url: rs(), accessToken: token },
      {
        walletAddress: url(alice),
        receiver: url(bob),
        method: 'ilp',
        debitAmount: { value: debit, assetCode: 'USD', assetScale: 2 },
      },
    );
  }

  /** An incoming payment of `value` at Bob and Alice's quote to pay what it expects. */
  async function quoteForIncoming(value: string) {
    const incomingToken = await grantToken(alice.client, as(), {
      access: [{ type: 'incoming-payment', actions: ['create', 'read', 'complete'], identifier: url(bob) }],
    });
    const incoming = await alice.client.incomingPayment.create(
      { url: rs(), accessToken: incomingToken },
      { walletAddress: url(bob), incomingAmount: { value, assetCode: 'USD', assetScale: 2 } },
    );
    const quoteToken = await grantToken(alice.client, as(), { access: [{ type: 'quote', actions: ['create'] }] });
    const quote = await alice.client.quote.create(
      { url: rs(), accessToken: quoteToken },
      { walletAddress: url(alice), receiver: incoming.id, method: 'ilp' },
    );
    return { incoming, incomingToken, quote };
  }

  /** The outgoing payment's row once it is in `state`. */
  const paymentRowIn = (id: string, state: string) =>
    eventually(async () => {
      const row = await sluice.database.knex('outgoing_payments').where({ id }).first();
      return row.state === state ? row : undefined;
    });

  /** Alice's outgoing payment from `quote`, with an outgoing-payment token. */
  const pay = (token: string, quote: Quote) =>
    alice.client.outgoingPayment.create(
      { url: rs(), accessToken: token },
      { walletAddress: url(alice), quoteId: quote.id },
    );

  async function outgoingToken(limits?: Record<string, unknown>): Promise<string> {
    const pending = await alice.client.grant.request(
      { url: as() },
      {
        access_token: {
          access: [
            {
              type: 'outgoing-payment',
              actions: ['create', 'read', 'list'],
              identifier: url(alice),
              ...(limits ? { limits } : {}),
            },
          ],
        },
        interact: {
          start: ['redirect'],
          finish: { method: 'redirect', uri: 'https://client.example/done', nonce: randomUUID() },
        },
      },
    );
    if (!isPendingGrant(pending)) throw new Error('expected an interactive grant');
    const { interactRef } = await approveInteraction(sluice, pending);
    return continueGrant(alice.client, pending, interactRef as string);
  }

  it('never lets concurrent payments together exceed the grant debitAmount limit', async () => {
    const quotes = await Promise.all(['1000', '1000', '1000', '1000'].map(quoteFor));
    const token = await outgoingToken({ debitAmount: { value: '2500', assetCode: 'USD', assetScale: 2 } });
    const results = await Promise.allSettled(quotes.map((quote) => pay(token, quote)));
    const created = results.filter((result) => result.status === 'fulfilled');
    expect(created).toHaveLength(2);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 403 });
    }
    const spent = await alice.client.outgoingPayment.getGrantSpentAmounts({ url: rs(), accessToken: token });
    expect(spent.spentDebitAmount).toEqual({ value: '2000', assetCode: 'USD', assetScale: 2 });
  }, 60_000);

  /** What a refused payment must have left as it was: the wallet's balance, the grant's totals, the ledger's accounts. */
  async function moneyState(grantToken: string) {
    const accountId = await sluice.services.walletAddressAccountId!(alice.walletAddress);
    const spent = await alice.client.outgoingPayment.getGrantSpentAmounts({ url: rs(), accessToken: grantToken });
    return {
      balance: (await sluice.services.connector!.getBalance(accountId)).balance,
      spent,
      accounts: (await sluice.database.knex('ledger_accounts').count({ n: '*' }))[0].n,
      payments: (await sluice.database.knex('outgoing_payments').count({ n: '*' }))[0].n,
      spends: await sluice.database.knex('grant_spends').orderBy(['grant_id', 'interval_start']),
    };
  }

  it('refuses a payment above what the grant has left, writing nothing', async () => {
    for (const limit of ['debitAmount', 'receiveAmount'] as const) {
      const token = await outgoingToken({ [limit]: { value: '1000', assetCode: 'USD', assetScale: 2 } });
      const first = await quoteFor('600');
      await pay(token, first);
      const before = await moneyState(token);
      await expect(pay(token, await quoteFor('500'))).rejects.toMatchObject({
        status: 403,
        description: expect.stringContaining(limit),
      });
      expect(await moneyState(token)).toEqual(before);
      // What is left still pays.
      const last = await quoteFor('400');
      await pay(token, last);
      const { spent } = await moneyState(token);
      const total = BigInt(first[limit].value) + BigInt(last[limit].value);
      expect(limit === 'debitAmount' ? spent.spentDebitAmount : spent.spentReceiveAmount).toEqual({
        value: total.toString(),
        assetCode: 'USD',
        assetScale: 2,
      });
    }
  }, 60_000);

  it('answers 400 for a used quote, whatever else is wrong with it by now', async () => {
    const quote = await quoteFor('100');
    const token = await outgoingToken();
    await pay(token, quote);
    // Expired by now, and a grant for another receiver: still "already used".
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const narrow = await outgoingToken({ receiver: `${rs()}/incoming-payments/${randomUUID()}` });
    await expect(pay(narrow, quote)).rejects.toMatchObject({
      status: 400,
      description: expect.stringContaining('already been used'),
    });
  }, 60_000);

  it('pays a quote once, even when it is used several times at once', async () => {
    const quote = await quoteFor('500');
    const token = await outgoingToken({ debitAmount: { value: '100000', assetCode: 'USD', assetScale: 2 } });
    const accountId = await sluice.services.walletAddressAccountId!(alice.walletAddress);
    const before = (await sluice.services.connector!.getBalance(accountId)).balance;
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => pay(token, quote)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 400 });
    }
    expect((await sluice.services.connector!.getBalance(accountId)).balance).toBe(before - 500n);
    const spent = await alice.client.outgoingPayment.getGrantSpentAmounts({ url: rs(), accessToken: token });
    expect(spent.spentDebitAmount).toEqual({ value: '500', assetCode: 'USD', assetScale: 2 });
    // And later, once the first payment is long committed.
    await expect(pay(token, quote)).rejects.toMatchObject({ status: 400 });
  }, 60_000);

  it('executes a payment without reading its quote or its payment account again, and pays a quote once', async () => {
    const quote = await quoteFor('300');
    const token = await outgoingToken();
    const reads: { sql: string; bindings?: unknown[] }[] = [];
    const record = (query: { sql: string; bindings?: unknown[] }) => reads.push(query);
    // What claims took (the worker's poll also claims now and then, finding other payments or none).
    const claimed: string[] = [];
    const recordClaims = (response: { rows?: { id: string }[] }, query: { sql: string }) => {
      if (/^\s*UPDATE outgoing_payments\s+SET lease_owner/.test(query.sql)) {
        claimed.push(...(response.rows ?? []).map((row) => row.id));
      }
    };
    sluice.database.knex.on('query', record);
    sluice.database.knex.on('query-response', recordClaims);
    const prepares = jest.spyOn(sluice.services.connector!, 'sendPrepare');
    let calls: Parameters<NonNullable<SluiceInstance['services']['connector']>['sendPrepare']>[] = [];
    let paymentId = '';
    try {
      const payment = await pay(token, quote);
      paymentId = payment.id.split('/').pop() as string;
      const sent = await eventually(async () => {
        const current = await alice.client.outgoingPayment.get({ url: payment.id, accessToken: token });
        return current.sentAmount.value !== '0' ? current.sentAmount.value : undefined;
      });
      expect(sent).toBe('300');
    } finally {
      sluice.database.knex.off('query', record);
      sluice.database.knex.off('query-response', recordClaims);
      calls = [...prepares.mock.calls];
      prepares.mockRestore();
    }
    // To a receiver of ours in the same asset the sender knew the rate: its packets all carried money, none probed.
    const walletAccount = await sluice.services.walletAddressAccountId!(alice.walletAddress);
    const packets = calls.filter(([accountId]) => accountId !== walletAccount);
    expect(packets.length).toBeGreaterThan(0);
    expect(packets.filter(([, , options]) => options?.unfulfillable)).toEqual([]);
    // Nothing read the quote: the process that made it knows it, and the creating statement itself sees an earlier
    // use; the worker knew it too, and the connector knew the new payment account.
    expect(reads.filter(({ sql }) => /from "quotes"/i.test(sql))).toEqual([]);
    const { ledger_account_id: paymentAccount } = await sluice.database
      .knex('outgoing_payments')
      .where({ id: paymentId })
      .first();
    const accountLookups = reads.filter(({ sql }) =>
      /select "id", "kind", "asset_id" from "ledger_accounts"/.test(sql),
    );
    expect(accountLookups.filter(({ bindings }) => bindings?.includes(paymentAccount))).toEqual([]);
    // Nor did the worker claim it: the payment was written leased to it, as its first attempt, and handed over.
    expect(claimed).not.toContain(paymentId);
    await expect(pay(token, quote)).rejects.toMatchObject({ status: 400 });
  }, 60_000);

  it('starts a payment for what its receiver expects without reading the receiver again', async () => {
    const { incoming, incomingToken, quote } = await quoteForIncoming('450');
    const incomingId = incoming.id.split('/').pop() as string;
    const token = await outgoingToken();
    const reads: { sql: string; bindings?: unknown[] }[] = [];
    const record = (query: { sql: string; bindings?: unknown[] }) => reads.push(query);
    sluice.database.knex.on('query', record);
    try {
      const id = (await pay(token, quote)).id.split('/').pop() as string;
      await paymentRowIn(id, 'COMPLETED');
    } finally {
      sluice.database.knex.off('query', record);
    }
    // The payment's own statement read what the receiver still expected: its first attempt asked nothing more about
    // it. (Only this receiver's reads count: the expiry sweep reads incoming payments every few seconds.)
    const receiverReads = reads.filter(
      ({ sql, bindings }) => /from "incoming_payments"/i.test(sql) && bindings?.includes(incomingId),
    );
    expect(receiverReads).toEqual([]);
    const paid = await alice.client.incomingPayment.get({ url: incoming.id, accessToken: incomingToken });
    expect(paid).toMatchObject({ completed: true, receivedAmount: { value: '450', assetCode: 'USD', assetScale: 2 } });
  }, 60_000);

  it('fails a payment its receiver refuses, giving the wallet everything back', async () => {
    const { incoming, incomingToken, quote } = await quoteForIncoming('700');
    // Closed before the payment starts: its receiver takes nothing more.
    await alice.client.incomingPayment.complete({ url: incoming.id, accessToken: incomingToken });
    const accountId = await sluice.services.walletAddressAccountId!(alice.walletAddress);
    const before = (await sluice.services.connector!.getBalance(accountId)).balance;
    const payment = await pay(await outgoingToken(), quote);
    const id = payment.id.split('/').pop() as string;
    const failed = await paymentRowIn(id, 'FAILED');
    expect(failed).toMatchObject({ sent_amount: '0', error: expect.any(String) });
    // The fee too: nothing was sent.
    expect((await sluice.services.connector!.getBalance(accountId)).balance).toBe(before);
    expect((await sluice.services.connector!.getBalance(failed.ledger_account_id)).balance).toBe(0n);
    const event = await eventually(() =>
      sluice.database
        .knex('webhook_events')
        .where('type', 'outgoing_payment.failed')
        .whereRaw(`data->>'id' = ?`, [id])
        .first(),
    );
    expect(event.data).toMatchObject({
      id,
      state: 'FAILED',
      error: failed.error,
      sentAmount: { value: '0', assetCode: 'USD', assetScale: 2 },
      updatedAt: failed.updated_at.toISOString(),
    });
    expect(await sluice.services.connector!.verifyLedger()).toEqual([]);
  }, 60_000);

  it('creates a payment unleased while the worker cannot take it, and the worker claims it when it can', async () => {
    const worker = sluice.services.resource!.worker!;
    await worker.stop();
    let id: string;
    try {
      const payment = await pay(await outgoingToken(), await quoteFor('200'));
      id = payment.id.split('/').pop() as string;
      expect(await sluice.database.knex('outgoing_payments').where({ id }).first()).toMatchObject({
        state: 'SENDING',
        lease_owner: null,
        attempts: 0,
      });
    } finally {
      worker.start();
    }
    const done = await paymentRowIn(id, 'COMPLETED');
    expect(done).toMatchObject({ attempts: 1, sent_amount: '200' });
  }, 60_000);

  it('gives back at once the lease of a payment handed to the worker while it stops', async () => {
    const worker = sluice.services.resource!.worker!;
    const connector = sluice.services.connector!;
    const remember = connector.rememberAccount.bind(connector);
    let stopping: Promise<void> | undefined;
    // Called once the payment's statement has committed, leased to this worker, and before the payment reaches it.
    const spy = jest.spyOn(connector, 'rememberAccount').mockImplementationOnce((account) => {
      stopping = worker.stop();
      return remember(account);
    });
    let id: string;
    try {
      const payment = await pay(await outgoingToken(), await quoteFor('300'));
      id = payment.id.split('/').pop() as string;
      expect(stopping).toBeDefined();
      await stopping;
      // Not left leased for the lease's 30 s: the next claim takes it, its first attempt still to come.
      expect(await sluice.database.knex('outgoing_payments').where({ id }).first()).toMatchObject({
        state: 'SENDING',
        lease_owner: null,
        lease_expires_at: null,
        attempts: 0,
      });
    } finally {
      spy.mockRestore();
      worker.start();
    }
    const done = await paymentRowIn(id, 'COMPLETED');
    expect(done).toMatchObject({ attempts: 1, sent_amount: '300' });
  }, 60_000);

  it('quotes a receiver of this server in the same asset without a rate probe, and across assets with one', async () => {
    const connector = sluice.services.connector!;
    const sent = jest.spyOn(connector, 'sendPrepare');
    // Probes for Alice's quotes go out from her wallet's account (payments still running from other tests probe from
    // their own accounts).
    const walletAccount = await sluice.services.walletAddressAccountId!(alice.walletAddress);
    const probes = () =>
      sent.mock.calls.filter(([accountId, , options]) => options?.unfulfillable && accountId === walletAccount);
    try {
      const quote = await quoteFor('1000');
      // One for one, exactly (no slippage margin: nothing can move); no packet crossed the connector to find that out.
      expect(quote.receiveAmount).toEqual({ value: '1000', assetCode: 'USD', assetScale: 2 });
      expect(probes()).toEqual([]);
      const euros = await createAccount(sluice, { path: `/eur-${randomUUID()}`, assetCode: 'EUR', assetScale: 2 });
      const token = await grantToken(alice.client, as(), { access: [{ type: 'quote', actions: ['create'] }] });
      await expect(
        alice.client.quote.create(
          { url: rs(), accessToken: token },
          {
            walletAddress: url(alice),
            receiver: url(euros),
            method: 'ilp',
            debitAmount: { value: '1000', assetCode: 'USD', assetScale: 2 },
          },
        ),
      ).resolves.toBeDefined();
      expect(probes().length).toBeGreaterThan(0);
    } finally {
      sent.mockRestore();
    }
  }, 60_000);

  it('refuses to pay an expired quote', async () => {
    const quote = await quoteFor('500');
    const token = await outgoingToken();
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    await expect(pay(token, quote)).rejects.toMatchObject({ status: 400 });
  }, 60_000);

  it('accepts a token only from its own client, for its own wallet address', async () => {
    const token = await grantToken(alice.client, as(), {
      access: [{ type: 'incoming-payment', actions: ['create', 'read', 'list'], identifier: url(bob) }],
    });
    // Another wallet address than the grant names: forbidden.
    await expect(
      alice.client.incomingPayment.create({ url: rs(), accessToken: token }, { walletAddress: url(mallory) }),
    ).rejects.toMatchObject({ status: 403 });
    // Alice's token presented by Mallory's client (signed with Mallory's key): refused.
    await expect(
      mallory.client.incomingPayment.create({ url: rs(), accessToken: token }, { walletAddress: url(bob) }),
    ).rejects.toMatchObject({ status: 401 });
    // No token at all.
    const response = await fetch(`${rs()}/incoming-payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ walletAddress: url(bob) }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`GNAP as_uri=${as()}`);
  });

  it('pages incoming payments forwards and backwards', async () => {
    const token = await grantToken(alice.client, as(), {
      access: [{ type: 'incoming-payment', actions: ['create', 'read', 'list'], identifier: url(mallory) }],
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await alice.client.incomingPayment.create({ url: rs(), accessToken: token }, { walletAddress: url(mallory) }))
          .id,
      );
    }
    const newestFirst = [...ids].reverse();
    const first = await alice.client.incomingPayment.list(
      { url: rs(), accessToken: token, walletAddress: url(mallory) },
      { first: 2, 'wallet-address': url(mallory) },
    );
    expect(first.result.map((payment) => payment.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.pagination.hasNextPage).toBe(true);
    const second = await alice.client.incomingPayment.list(
      { url: rs(), accessToken: token, walletAddress: url(mallory) },
      { first: 2, cursor: first.pagination.endCursor, 'wallet-address': url(mallory) },
    );
    expect(second.result.map((payment) => payment.id)).toEqual(newestFirst.slice(2, 4));
    const back = await alice.client.incomingPayment.list(
      { url: rs(), accessToken: token, walletAddress: url(mallory) },
      { last: 2, cursor: second.pagination.startCursor as string, 'wallet-address': url(mallory) },
    );
    expect(back.result.map((payment) => payment.id)).toEqual(newestFirst.slice(0, 2));
  });

  it('expires at once the incoming payment a refused quote to a wallet address created', async () => {
    const trudy = await createAccount(sluice, { path: '/trudy', assetCode: 'USD', assetScale: 2 });
    const token = await grantToken(alice.client, as(), { access: [{ type: 'quote', actions: ['create'] }] });
    await expect(
      alice.client.quote.create(
        { url: rs(), accessToken: token },
        {
          walletAddress: url(alice),
          receiver: url(trudy),
          method: 'ilp',
          receiveAmount: { value: '500', assetCode: 'EUR', assetScale: 2 },
        },
      ),
    ).rejects.toMatchObject({ status: 400 });
    const knex = sluice.database.knex;
    const created = await knex('incoming_payments').where('wallet_address_id', trudy.walletAddress.id);
    expect(created.map((payment) => payment.state)).toEqual(['expired']);
    // Nothing was paid into it: it ends unannounced, as Rafiki ends unpaid payments (no withdrawal to cue).
    const events = await knex('webhook_events').whereRaw(`data->>'id' = ?`, [created[0].id]).pluck('type');
    expect(events).toEqual(['incoming_payment.created']);
  });

  it('refuses a payment the wallet balance cannot fund, creating nothing', async () => {
    const poor = await createAccount(sluice, { path: '/poor', assetCode: 'USD', assetScale: 2, balance: 100n });
    const quoteToken = await grantToken(poor.client, as(), { access: [{ type: 'quote', actions: ['create'] }] });
    const quote = await poor.client.quote.create(
      { url: rs(), accessToken: quoteToken },
      {
        walletAddress: url(poor),
        receiver: url(bob),
        method: 'ilp',
        debitAmount: { value: '5000', assetCode: 'USD', assetScale: 2 },
      },
    );
    const pending = await poor.client.grant.request(
      { url: as() },
      {
        access_token: { access: [{ type: 'outgoing-payment', actions: ['create'], identifier: url(poor) }] },
        interact: {
          start: ['redirect'],
          finish: { method: 'redirect', uri: 'https://client.example/done', nonce: randomUUID() },
        },
      },
    );
    if (!isPendingGrant(pending)) throw new Error('expected an interactive grant');
    const { interactRef } = await approveInteraction(sluice, pending);
    const token = await continueGrant(poor.client, pending, interactRef as string);
    const spendsBefore = await sluice.database.knex('grant_spends');
    await expect(
      poor.client.outgoingPayment.create(
        { url: rs(), accessToken: token },
        { walletAddress: url(poor), quoteId: quote.id },
      ),
    ).rejects.toMatchObject({ status: 403, description: expect.stringContaining('balance') });
    expect(await sluice.database.knex('outgoing_payments').where('wallet_address_id', poor.walletAddress.id)).toEqual(
      [],
    );
    // Neither the grant's totals nor a payment account stayed behind.
    expect(await sluice.database.knex('grant_spends')).toEqual(spendsBefore);
    const orphans = await sluice.database
      .knex('ledger_accounts')
      .where({ kind: 'outgoing_payment' })
      .whereNotIn('owner_id', sluice.database.knex('outgoing_payments').select(sluice.database.knex.raw('id::text')));
    expect(orphans).toEqual([]);
  }, 60_000);

  it('creates an outgoing payment straight from an incoming payment and a debit amount', async () => {
    const incomingToken = await grantToken(alice.client, as(), {
      access: [{ type: 'incoming-payment', actions: ['create', 'read'], identifier: url(bob) }],
    });
    const incoming = await alice.client.incomingPayment.create(
      { url: rs(), accessToken: incomingToken },
      { walletAddress: url(bob), incomingAmount: { value: '800', assetCode: 'USD', assetScale: 2 } },
    );
    const token = await outgoingToken();
    const outgoing = await alice.client.outgoingPayment.create(
      { url: rs(), accessToken: token },
      {
        walletAddress: url(alice),
        incomingPayment: incoming.id,
        debitAmount: { value: '500', assetCode: 'USD', assetScale: 2 },
      },
    );
    expect(outgoing).toMatchObject({
      receiver: incoming.id,
      debitAmount: { value: '500', assetCode: 'USD', assetScale: 2 },
    });
    const received = await eventually(async () => {
      const current = await alice.client.incomingPayment.get({ url: incoming.id, accessToken: incomingToken });
      return current.receivedAmount.value !== '0' ? current : undefined;
    });
    expect(BigInt(received.receivedAmount.value)).toBeGreaterThanOrEqual(BigInt(outgoing.receiveAmount.value));
  }, 60_000);
});
