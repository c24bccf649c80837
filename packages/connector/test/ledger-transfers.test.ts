import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { UINT64_MAX, createAssetService, createLedger, type Asset, type Ledger } from '../src';

let db: TestDatabase;
let ledger: Ledger;
let usd: Asset;
let eur: Asset;
beforeAll(async () => {
  db = await createTestDatabase();
  ledger = createLedger({ knex: db.knex });
  const assets = createAssetService({ knex: db.knex });
  usd = await assets.createAsset({ code: 'USD', scale: 2 });
  eur = await assets.createAsset({ code: 'EUR', scale: 2 });
  // What a caller writes together with the ledger (a payment row, say), for the "…With" operations.
  await db.knex.raw('CREATE TABLE test_payment_rows (id uuid PRIMARY KEY, account_id uuid NOT NULL)');
});
afterAll(() => db.drop());
afterEach(async () => {
  expect(await ledger.verifyLedger()).toEqual([]);
});

const account = (asset = usd, options: { minBalance?: bigint | null; maxBalance?: bigint | null } = {}) =>
  ledger.createLedgerAccount({ assetId: asset.id, kind: 'wallet_address', ownerId: randomUUID(), ...options });
const balanceOf = async (id: string) => (await ledger.getBalance(id)).balance;

async function sumOfAsset(assetId: string): Promise<bigint> {
  const result = await db.knex.raw(
    'SELECT coalesce(sum(balance), 0)::text AS total FROM ledger_accounts WHERE asset_id = ?',
    [assetId],
  );
  return BigInt(result.rows[0].total);
}

describe('accounts', () => {
  test('created on request with limits; one per (kind, owner); readable balance', async () => {
    const ownerId = randomUUID();
    const created = await ledger.createLedgerAccount({
      assetId: usd.id,
      kind: 'incoming_payment',
      ownerId,
      maxBalance: 500n,
    });
    expect(created).toMatchObject({
      assetId: usd.id,
      kind: 'incoming_payment',
      ownerId,
      minBalance: 0n,
      maxBalance: 500n,
    });
    expect(await ledger.getBalance(created.id)).toEqual({
      accountId: created.id,
      assetId: usd.id,
      balance: 0n,
      debitsPending: 0n,
      creditsPending: 0n,
      available: 0n,
      minBalance: 0n,
      maxBalance: 500n,
    });
    await expect(
      ledger.createLedgerAccount({ assetId: usd.id, kind: 'incoming_payment', ownerId }),
    ).rejects.toMatchObject({
      code: 'duplicate_account',
    });
    const withId = randomUUID();
    expect(
      (await ledger.createLedgerAccount({ id: withId, assetId: usd.id, kind: 'other', ownerId: randomUUID() })).id,
    ).toBe(withId);
  });

  test('invalid requests', async () => {
    await expect(
      ledger.createLedgerAccount({ assetId: randomUUID(), kind: 'wallet_address', ownerId: 'x' }),
    ).rejects.toMatchObject({
      code: 'unknown_asset',
    });
    await expect(
      ledger.createLedgerAccount({ assetId: usd.id, kind: 'liquidity' as 'other', ownerId: 'x' }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(ledger.createLedgerAccount({ assetId: usd.id, kind: 'other', ownerId: '' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(
      ledger.createLedgerAccount({ assetId: usd.id, kind: 'other', ownerId: 'x', minBalance: 10n, maxBalance: 5n }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(ledger.getBalance(randomUUID())).rejects.toMatchObject({ code: 'unknown_account' });
  });
});

describe('deposits and two-phase withdrawals', () => {
  test('deposit credits the account from the asset’s settlement account; idempotent by id', async () => {
    const wallet = await account();
    const id = randomUUID();
    const first = await ledger.deposit({ id, accountId: wallet.id, amount: 1000n });
    expect(first).toMatchObject({
      kind: 'deposit',
      state: 'posted',
      amount: 1000n,
      debitAccountId: usd.settlementAccountId,
    });
    expect(await ledger.deposit({ id, accountId: wallet.id, amount: 1000n })).toEqual(first);
    await expect(ledger.deposit({ id, accountId: wallet.id, amount: 999n })).rejects.toMatchObject({
      code: 'transfer_exists',
    });
    expect(await balanceOf(wallet.id)).toBe(1000n);
    expect(await sumOfAsset(usd.id)).toBe(0n);
  });

  test('withdrawal: held, then posted (balance leaves) or voided (balance returns)', async () => {
    const wallet = await account();
    await ledger.deposit({ id: randomUUID(), accountId: wallet.id, amount: 1000n });
    const posted = randomUUID();
    await ledger.withdraw({ id: posted, accountId: wallet.id, amount: 300n });
    expect(await ledger.getBalance(wallet.id)).toMatchObject({ balance: 1000n, debitsPending: 300n, available: 700n });
    await expect(ledger.withdraw({ id: randomUUID(), accountId: wallet.id, amount: 701n })).rejects.toMatchObject({
      code: 'insufficient_balance',
    });
    expect(await ledger.postWithdrawal(posted)).toMatchObject({ state: 'posted' });
    expect(await ledger.postWithdrawal(posted)).toMatchObject({ state: 'posted' }); // idempotent
    await expect(ledger.voidWithdrawal(posted)).rejects.toMatchObject({ code: 'transfer_not_pending' });
    expect(await ledger.getBalance(wallet.id)).toMatchObject({ balance: 700n, debitsPending: 0n });

    const voided = randomUUID();
    await ledger.withdraw({ id: voided, accountId: wallet.id, amount: 700n });
    expect(await ledger.voidWithdrawal(voided)).toMatchObject({ state: 'voided' });
    await expect(ledger.postWithdrawal(voided)).rejects.toMatchObject({ code: 'transfer_not_pending' });
    expect(await ledger.getBalance(wallet.id)).toMatchObject({ balance: 700n, debitsPending: 0n, available: 700n });
    // A transfer id is not a withdrawal id.
    await expect(ledger.postWithdrawal(randomUUID())).rejects.toMatchObject({ code: 'unknown_transfer' });
    expect(await sumOfAsset(usd.id)).toBe(0n);
  });

  test('a withdrawal not posted in time is voided, and cannot be posted any more', async () => {
    const wallet = await account();
    await ledger.deposit({ id: randomUUID(), accountId: wallet.id, amount: 100n });
    const id = randomUUID();
    await ledger.withdraw({ id, accountId: wallet.id, amount: 100n, timeoutMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    await expect(ledger.postWithdrawal(id)).rejects.toMatchObject({ code: 'transfer_expired' });
    expect(await ledger.getTransfer(id)).toMatchObject({ state: 'voided' });
    expect(await ledger.getBalance(wallet.id)).toMatchObject({ balance: 100n, debitsPending: 0n });

    const swept = randomUUID();
    await ledger.withdraw({ id: swept, accountId: wallet.id, amount: 60n, timeoutMs: 30 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await ledger.voidExpiredTransfers()).toBeGreaterThanOrEqual(1);
    expect(await ledger.getTransfer(swept)).toMatchObject({ state: 'voided' });
  });

  test('settlement accounts cannot be deposited to; amounts must be UInt64 > 0', async () => {
    await expect(
      ledger.deposit({ id: randomUUID(), accountId: usd.settlementAccountId, amount: 1n }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    const wallet = await account();
    for (const amount of [0n, -1n, UINT64_MAX + 1n]) {
      await expect(ledger.deposit({ id: randomUUID(), accountId: wallet.id, amount })).rejects.toMatchObject({
        code: 'invalid_argument',
      });
    }
    await expect(ledger.deposit({ id: 'not-a-uuid', accountId: wallet.id, amount: 1n })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  test('UInt64 extremes are exact (numeric(20,0), not bigint)', async () => {
    const big = await createAssetService({ knex: db.knex }).createAsset({ code: 'BIG', scale: 0 });
    const wallet = await account(big, { maxBalance: null });
    await ledger.deposit({ id: randomUUID(), accountId: wallet.id, amount: UINT64_MAX });
    expect(await balanceOf(wallet.id)).toBe(UINT64_MAX);
    // Neither the wallet nor the settlement account (at −(2^64−1)) can go further.
    await expect(ledger.deposit({ id: randomUUID(), accountId: wallet.id, amount: 1n })).rejects.toMatchObject({
      code: 'amount_out_of_range',
    });
    expect(await balanceOf(big.settlementAccountId)).toBe(-UINT64_MAX);
    const withdrawal = randomUUID();
    await ledger.withdraw({ id: withdrawal, accountId: wallet.id, amount: UINT64_MAX });
    await ledger.postWithdrawal(withdrawal);
    expect(await balanceOf(wallet.id)).toBe(0n);
  });
});

describe('transfers', () => {
  test('single phase, idempotent; insufficient balance and maximum balance are refused', async () => {
    const from = await account();
    const to = await account(usd, { maxBalance: 150n });
    await ledger.deposit({ id: randomUUID(), accountId: from.id, amount: 200n });
    const id = randomUUID();
    const options = { id, debitAccountId: from.id, creditAccountId: to.id, amount: 100n };
    const first = await ledger.transfer(options);
    expect(await ledger.transfer(options)).toEqual(first);
    expect([await balanceOf(from.id), await balanceOf(to.id)]).toEqual([100n, 100n]);
    await expect(ledger.transfer({ ...options, id: randomUUID(), amount: 101n })).rejects.toMatchObject({
      code: 'insufficient_balance',
    });
    await expect(ledger.transfer({ ...options, id: randomUUID(), amount: 51n })).rejects.toMatchObject({
      code: 'exceeds_max_balance',
    });
    const journal = await db.knex('ledger_journal').where({ transfer_id: id });
    expect(journal).toHaveLength(1);
  });

  test('two-phase: pending amounts are held on both sides until posted or voided', async () => {
    const from = await account();
    const to = await account(usd, { maxBalance: 100n });
    await ledger.deposit({ id: randomUUID(), accountId: from.id, amount: 300n });
    const a = randomUUID();
    await ledger.createPendingTransfer({ id: a, debitAccountId: from.id, creditAccountId: to.id, amount: 80n });
    expect(await ledger.getBalance(from.id)).toMatchObject({ balance: 300n, debitsPending: 80n, available: 220n });
    expect(await ledger.getBalance(to.id)).toMatchObject({ balance: 0n, creditsPending: 80n });
    // The receiver's pending credits count against its maximum.
    await expect(
      ledger.createPendingTransfer({ id: randomUUID(), debitAccountId: from.id, creditAccountId: to.id, amount: 21n }),
    ).rejects.toMatchObject({ code: 'exceeds_max_balance' });
    // …and the receiver cannot spend money that is only pending.
    const other = await account();
    await expect(
      ledger.transfer({ id: randomUUID(), debitAccountId: to.id, creditAccountId: other.id, amount: 1n }),
    ).rejects.toMatchObject({
      code: 'insufficient_balance',
    });
    await ledger.postTransfer(a);
    expect([await balanceOf(from.id), await balanceOf(to.id)]).toEqual([220n, 80n]);
    const b = randomUUID();
    await ledger.createPendingTransfer({ id: b, debitAccountId: from.id, creditAccountId: to.id, amount: 20n });
    await ledger.voidTransfer(b);
    expect(await ledger.getBalance(to.id)).toMatchObject({ balance: 80n, creditsPending: 0n });
    expect(await ledger.voidTransfer(b)).toMatchObject({ state: 'voided' }); // idempotent
    await expect(ledger.postTransfer(randomUUID())).rejects.toMatchObject({ code: 'unknown_transfer' });
  });

  test('across assets is refused (double entry holds within one asset)', async () => {
    const from = await account(usd);
    const to = await account(eur);
    await ledger.deposit({ id: randomUUID(), accountId: from.id, amount: 10n });
    await expect(
      ledger.transfer({ id: randomUUID(), debitAccountId: from.id, creditAccountId: to.id, amount: 1n }),
    ).rejects.toMatchObject({
      code: 'asset_mismatch',
    });
    await expect(
      ledger.transfer({ id: randomUUID(), debitAccountId: from.id, creditAccountId: from.id, amount: 1n }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(
      ledger.transfer({ id: randomUUID(), debitAccountId: from.id, creditAccountId: randomUUID(), amount: 1n }),
    ).rejects.toMatchObject({ code: 'unknown_account' });
  });

  test('the same idempotency id raced from many callers applies once', async () => {
    const from = await account();
    const to = await account();
    await ledger.deposit({ id: randomUUID(), accountId: from.id, amount: 1000n });
    const id = randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        ledger.transfer({ id, debitAccountId: from.id, creditAccountId: to.id, amount: 10n }),
      ),
    );
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect([await balanceOf(from.id), await balanceOf(to.id)]).toEqual([990n, 10n]);
  });

  test('concurrent transfers never overdraw and the asset still sums to zero', async () => {
    const from = await account();
    const targets = await Promise.all(Array.from({ length: 4 }, () => account()));
    await ledger.deposit({ id: randomUUID(), accountId: from.id, amount: 1000n });
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        ledger.transfer({ id: randomUUID(), debitAccountId: from.id, creditAccountId: targets[i % 4].id, amount: 25n }),
      ),
    );
    const succeeded = results.filter((result) => result.status === 'fulfilled').length;
    expect(succeeded).toBe(40);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'insufficient_balance' });
    }
    expect(await balanceOf(from.id)).toBe(0n);
    expect(await sumOfAsset(usd.id)).toBe(0n);
  });
});

test('the database refuses a balance past its limit even when the application is bypassed', async () => {
  const wallet = await account();
  await expect(db.knex('ledger_accounts').where({ id: wallet.id }).update({ balance: '-1' })).rejects.toMatchObject({
    code: '23514',
  });
});

describe('an account created with the caller’s write', () => {
  /** The caller's write: a row naming the new account, written only when `accept` (and the ledger's condition) hold. */
  const note =
    (id: string, accountId: string, accept = true) =>
    (condition: string) => ({
      sql: `settled AS (
       INSERT INTO test_payment_rows (id, account_id) SELECT ?, ? WHERE ${condition} AND ? RETURNING *)`,
      bindings: [id, accountId, accept],
    });
  const written = async (id: string) => {
    const [rows, accounts, transfers] = await Promise.all([
      db.knex('test_payment_rows').where({ id }),
      db.knex('ledger_accounts').where({ owner_id: id }),
      db.knex('ledger_transfers').where({ id }),
    ]);
    return { rows: rows.length, accounts: accounts.length, transfers: transfers.length };
  };

  test('funded from another account: account, money, record and the caller’s row in one statement', async () => {
    const wallet = await account();
    await ledger.deposit({ id: randomUUID(), accountId: wallet.id, amount: 500n });
    const id = randomUUID();
    const accountId = randomUUID();
    const result = await ledger.createAccountWith({
      account: { id: accountId, assetId: usd.id, kind: 'outgoing_payment', ownerId: id },
      funding: { transferId: id, debitAccountId: wallet.id, amount: 200n },
      write: note(id, accountId),
    });
    expect(result.rows).toEqual([{ id, account_id: accountId }]);
    expect(result.account).toMatchObject({ id: accountId, assetId: usd.id, kind: 'outgoing_payment', minBalance: 0n });
    expect([await balanceOf(wallet.id), await balanceOf(accountId)]).toEqual([300n, 200n]);
    expect(await ledger.getTransfer(id)).toMatchObject({
      kind: 'transfer',
      state: 'posted',
      debitAccountId: wallet.id,
      creditAccountId: accountId,
      amount: 200n,
    });
    expect(await db.knex('ledger_journal').where({ transfer_id: id })).toHaveLength(1);
    expect(await written(id)).toEqual({ rows: 1, accounts: 1, transfers: 1 });
  });

  test('unfunded: the account starts empty', async () => {
    const id = randomUUID();
    const accountId = randomUUID();
    const result = await ledger.createAccountWith({
      account: { id: accountId, assetId: usd.id, kind: 'outgoing_payment', ownerId: id },
      write: note(id, accountId),
    });
    expect(result.rows).toHaveLength(1);
    expect(await balanceOf(accountId)).toBe(0n);
    expect(await written(id)).toEqual({ rows: 1, accounts: 1, transfers: 0 });
  });

  test('writes nothing when the caller’s write declines, the funding falls short, or crosses assets', async () => {
    const wallet = await account();
    const euros = await account(eur);
    await ledger.deposit({ id: randomUUID(), accountId: wallet.id, amount: 100n });
    await ledger.deposit({ id: randomUUID(), accountId: euros.id, amount: 100n });
    const attempt = (options: { accept?: boolean; from?: string; amount?: bigint }) => {
      const id = randomUUID();
      const accountId = randomUUID();
      return {
        id,
        created: ledger.createAccountWith({
          account: { id: accountId, assetId: usd.id, kind: 'outgoing_payment', ownerId: id },
          funding: { transferId: id, debitAccountId: options.from ?? wallet.id, amount: options.amount ?? 50n },
          write: note(id, accountId, options.accept ?? true),
        }),
      };
    };
    const declined = attempt({ accept: false });
    expect((await declined.created).rows).toEqual([]);
    const short = attempt({ amount: 101n });
    await expect(short.created).rejects.toMatchObject({ code: 'insufficient_balance' });
    const crossing = attempt({ from: euros.id });
    expect((await crossing.created).rows).toEqual([]);
    for (const { id } of [declined, short, crossing]) {
      expect(await written(id)).toEqual({ rows: 0, accounts: 0, transfers: 0 });
    }
    expect([await balanceOf(wallet.id), await balanceOf(euros.id)]).toEqual([100n, 100n]);
  });
});

describe('a sweep with the caller’s write', () => {
  /** The caller's write: records what the swept account held, when `accept` and the ledger's condition hold. */
  const record =
    (id: string, accept = true) =>
    (condition: string) => ({
      sql: `settled AS (
       INSERT INTO test_payment_rows (id, account_id)
       SELECT ?, ? WHERE ${condition} AND ?
       RETURNING *, (SELECT available::text FROM swept) AS available, (SELECT amount::text FROM swept) AS amount)`,
      bindings: [id, id, accept],
    });

  test('moves what the account holds above `keep`, and the write reads how much that was', async () => {
    const payment = await account();
    const wallet = await account();
    await ledger.deposit({ id: randomUUID(), accountId: payment.id, amount: 120n });
    const id = randomUUID();
    const rows = await ledger.sweepWith({
      transferId: id,
      fromAccountId: payment.id,
      toAccountId: wallet.id,
      keep: 20n,
      write: record(id),
    });
    expect(rows).toEqual([{ id, account_id: id, available: '120', amount: '100' }]);
    expect([await balanceOf(payment.id), await balanceOf(wallet.id)]).toEqual([20n, 100n]);
    expect(await ledger.getTransfer(id)).toMatchObject({ state: 'posted', amount: 100n, creditAccountId: wallet.id });
    // Nothing above `keep` left: the write still happens, no money moves and no transfer is recorded.
    const again = randomUUID();
    const second = await ledger.sweepWith({
      transferId: again,
      fromAccountId: payment.id,
      toAccountId: wallet.id,
      keep: 20n,
      write: record(again),
    });
    expect(second).toEqual([{ id: again, account_id: again, available: '20', amount: '0' }]);
    expect(await ledger.getTransfer(again)).toBeUndefined();
    expect([await balanceOf(payment.id), await balanceOf(wallet.id)]).toEqual([20n, 100n]);
  });

  test('without a destination it only reads; a declined write or another asset moves nothing', async () => {
    const payment = await account();
    const wallet = await account();
    const euros = await account(eur);
    await ledger.deposit({ id: randomUUID(), accountId: payment.id, amount: 50n });
    const read = randomUUID();
    expect(
      await ledger.sweepWith({ transferId: read, fromAccountId: payment.id, keep: 0n, write: record(read) }),
    ).toEqual([{ id: read, account_id: read, available: '50', amount: '0' }]);
    const declined = randomUUID();
    const crossing = randomUUID();
    expect(
      await ledger.sweepWith({
        transferId: declined,
        fromAccountId: payment.id,
        toAccountId: wallet.id,
        keep: 0n,
        write: record(declined, false),
      }),
    ).toEqual([]);
    expect(
      await ledger.sweepWith({
        transferId: crossing,
        fromAccountId: payment.id,
        toAccountId: euros.id,
        keep: 0n,
        write: record(crossing),
      }),
    ).toEqual([]);
    expect([await balanceOf(payment.id), await balanceOf(wallet.id), await balanceOf(euros.id)]).toEqual([50n, 0n, 0n]);
    expect(await db.knex('test_payment_rows').whereIn('id', [declined, crossing])).toEqual([]);
  });
});
