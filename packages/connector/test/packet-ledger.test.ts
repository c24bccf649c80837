import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createTestDatabase, usePglite, type TestDatabase } from '../../../test-support';
import { openDatabase, type Database } from '../../server/src/database';
import {
  createAssetService,
  createLedger,
  createPacketLedger,
  type Asset,
  type Ledger,
  type PacketHold,
  type PacketLedger,
} from '../src';
import { silentLogger } from './support/logger';

let db: TestDatabase;
let ledger: Ledger;
let usd: Asset;
const ledgers: PacketLedger[] = [];
const extraDatabases: Database[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  ledger = createLedger({ knex: db.knex });
  usd = await createAssetService({ knex: db.knex }).createAsset({ code: 'USD', scale: 2 });
});
afterAll(async () => {
  for (const packetLedger of ledgers) await packetLedger.stop(100);
  for (const database of extraDatabases) await database.close();
  await db.drop();
});

async function startPacketLedger(knex: Knex = db.knex, options = {}): Promise<PacketLedger> {
  const packetLedger = createPacketLedger({ knex, logger: silentLogger, ...options });
  await packetLedger.start();
  ledgers.push(packetLedger);
  return packetLedger;
}

/** A second connection pool on the same database (PostgreSQL); PGlite has one connection, so it is shared. */
async function secondKnex(): Promise<Knex> {
  if (usePglite) return db.knex;
  const database = await openDatabase(db.url);
  extraDatabases.push(database);
  return database.knex;
}

async function wallet(amount: bigint, options: { minBalance?: bigint; maxBalance?: bigint | null } = {}) {
  const account = await ledger.createLedgerAccount({
    assetId: usd.id,
    kind: 'wallet_address',
    ownerId: randomUUID(),
    ...options,
  });
  if (amount > 0n) await ledger.deposit({ id: randomUUID(), accountId: account.id, amount });
  return account.id;
}

const legs = (from: string, to: string, amount: bigint) => [
  { debitAccountId: from, creditAccountId: usd.liquidityAccountId, amount },
  { debitAccountId: usd.liquidityAccountId, creditAccountId: to, amount },
];

async function hold(packetLedger: PacketLedger, from: string, to: string, amount: bigint): Promise<PacketHold> {
  const outcome = await packetLedger.hold(randomUUID(), legs(from, to, amount));
  if (!outcome.held) throw new Error(`not held: ${outcome.reason}`);
  return outcome.hold;
}

async function settled(packetLedger: PacketLedger): Promise<void> {
  for (let i = 0; i < 200 && packetLedger.openHolds > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(packetLedger.openHolds).toBe(0);
}

test('hold → post moves the money once and journals each leg once; hold → void gives it back', async () => {
  const packetLedger = await startPacketLedger();
  const from = await wallet(1000n);
  const to = await wallet(0n);
  const posted = await hold(packetLedger, from, to, 300n);
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 1000n, debitsPending: 300n });
  expect(await ledger.getBalance(to)).toMatchObject({ balance: 0n, creditsPending: 300n });
  // The liquidity account nets to zero for a same-asset packet: nothing held there.
  expect(await ledger.getBalance(usd.liquidityAccountId)).toMatchObject({ debitsPending: 0n, creditsPending: 0n });
  await packetLedger.post(posted);
  // Durable before post() resolves: another connection sees it.
  const journal = await db.knex('ledger_journal').where({ transfer_id: posted.transferId }).orderBy('leg');
  expect(journal.map((row) => [row.leg, row.kind, BigInt(row.amount)])).toEqual([
    [0, 'packet', 300n],
    [1, 'packet', 300n],
  ]);
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 700n, debitsPending: 0n });
  expect(await ledger.getBalance(to)).toMatchObject({ balance: 300n, creditsPending: 0n });

  const voided = await hold(packetLedger, from, to, 700n);
  packetLedger.void(voided);
  await settled(packetLedger);
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 700n, debitsPending: 0n, available: 700n });
  expect(await db.knex('ledger_journal').where({ transfer_id: voided.transferId })).toHaveLength(0);
  // A hold is resolved once only.
  await expect(packetLedger.post(voided)).rejects.toThrow(/already resolved/);
  expect(await ledger.verifyLedger()).toEqual([]);
});

test('refusals name the account and the reason; an unknown account is refused, not fatal', async () => {
  const packetLedger = await startPacketLedger();
  const from = await wallet(10n);
  const capped = await wallet(0n, { maxBalance: 5n });
  expect(await packetLedger.hold(randomUUID(), legs(from, capped, 11n))).toEqual({
    held: false,
    accountId: from,
    reason: 'min_balance',
  });
  expect(await packetLedger.hold(randomUUID(), legs(from, capped, 6n))).toEqual({
    held: false,
    accountId: capped,
    reason: 'max_balance',
  });
  const unknown = randomUUID();
  expect(await packetLedger.hold(randomUUID(), legs(from, unknown, 1n))).toMatchObject({
    held: false,
    accountId: unknown,
    reason: 'unknown_account',
  });
  expect(await ledger.getBalance(from)).toMatchObject({ debitsPending: 0n });
});

test('a batch that fits is written by one statement; one that does not is decided hold by hold', async () => {
  const packetLedger = await startPacketLedger();
  const from = await wallet(100n);
  const to = await wallet(0n);
  const statements: string[] = [];
  const log = (query: { sql: string }) => statements.push(/^[a-z]+/i.exec(query.sql.trim())![0].toUpperCase());
  db.knex.on('query', log);
  try {
    const posted = await hold(packetLedger, from, to, 60n);
    await packetLedger.post(posted);
    expect(statements).toEqual(['WITH', 'WITH']);
    statements.length = 0;
    // 40 left: the second hold does not fit, and only the careful path (a transaction reading the rows) can say so.
    const outcomes = await Promise.all([
      packetLedger.hold(randomUUID(), legs(from, to, 30n)),
      packetLedger.hold(randomUUID(), legs(from, to, 30n)),
    ]);
    expect(outcomes.map((outcome) => outcome.held).sort()).toEqual([false, true]);
    expect(statements).toContain('BEGIN');
  } finally {
    db.knex.removeListener('query', log);
  }
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 40n, debitsPending: 30n });
});

test('what is held may not take an account without limits beyond the 64-bit range', async () => {
  const packetLedger = await startPacketLedger();
  const max = 2n ** 64n - 1n;
  const unbounded = await ledger.createLedgerAccount({
    assetId: usd.id,
    kind: 'wallet_address',
    ownerId: randomUUID(),
    minBalance: null,
  });
  // Below zero (it has no lower limit), then a hold that keeps its pending debits in range but its reach not.
  await ledger.transfer({
    id: randomUUID(),
    debitAccountId: unbounded.id,
    creditAccountId: await wallet(0n),
    amount: 10n,
  });
  expect(await packetLedger.hold(randomUUID(), legs(unbounded.id, await wallet(0n), max - 5n))).toEqual({
    held: false,
    accountId: unbounded.id,
    reason: 'out_of_range',
  });
  expect(await ledger.getBalance(unbounded.id)).toMatchObject({ balance: -10n, debitsPending: 0n });
  await hold(packetLedger, unbounded.id, await wallet(0n), max - 10n);
});

test('group commit: concurrent packets share transactions, and exactly what fits is admitted', async () => {
  const packetLedger = await startPacketLedger();
  const from = await wallet(500n);
  const to = await wallet(0n);
  let batches = 0;
  const countBatches = (query: { sql: string }) => {
    if (query.sql.includes('FROM ledger_instances WHERE id = ') && query.sql.includes('FOR SHARE')) batches++;
  };
  db.knex.on('query', countBatches);
  try {
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => packetLedger.hold(randomUUID(), legs(from, to, 10n))),
    );
    const held = outcomes.filter((outcome) => outcome.held);
    expect(held).toHaveLength(50);
    for (const outcome of outcomes)
      if (!outcome.held) expect(outcome).toMatchObject({ accountId: from, reason: 'min_balance' });
    await Promise.all(held.map((outcome) => outcome.held && packetLedger.post(outcome.hold)));
    expect(batches).toBeLessThan(40);
  } finally {
    db.knex.off('query', countBatches);
  }
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 0n, debitsPending: 0n });
  expect(await ledger.getBalance(to)).toMatchObject({ balance: 500n, creditsPending: 0n });
  expect(await ledger.verifyLedger()).toEqual([]);
});

test('two instances on one database never hold more than an account has', async () => {
  const first = await startPacketLedger();
  const second = await startPacketLedger(await secondKnex());
  expect(first.instanceId).not.toBe(second.instanceId);
  const from = await wallet(1000n);
  const to = await wallet(0n);
  const outcomes = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      (i % 2 === 0 ? first : second).hold(randomUUID(), legs(from, to, 7n)).then((outcome) => ({ outcome, i })),
    ),
  );
  const held = outcomes.filter(({ outcome }) => outcome.held);
  expect(held).toHaveLength(Math.floor(1000 / 7)); // 142
  expect(await ledger.getBalance(from)).toMatchObject({ debitsPending: 994n });
  await Promise.all(held.map(({ outcome, i }) => outcome.held && (i % 2 === 0 ? first : second).post(outcome.hold)));
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 6n, debitsPending: 0n });
  expect(await ledger.getBalance(to)).toMatchObject({ balance: 994n });
  expect(await ledger.verifyLedger()).toEqual([]);
});

test('a crashed instance’s holds are given back by another, and the crashed one is fenced', async () => {
  const crashed = await startPacketLedger();
  const from = await wallet(100n);
  const to = await wallet(0n);
  const orphan = await hold(crashed, from, to, 60n);
  expect(await ledger.getBalance(from)).toMatchObject({ available: 40n });
  // The process "dies": its heartbeat stops.
  await db
    .knex('ledger_instances')
    .where({ id: crashed.instanceId })
    .update({ heartbeat_at: db.knex.raw("now() - interval '1 hour'") });
  const survivor = createPacketLedger({ knex: await secondKnex(), logger: silentLogger, abandonAfterMs: 60_000 });
  await survivor.start(); // releases abandoned instances on start
  ledgers.push(survivor);
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 100n, debitsPending: 0n, available: 100n });
  expect(await db.knex('ledger_instances').where({ id: crashed.instanceId })).toHaveLength(0);
  expect(await ledger.verifyLedger()).toEqual([]);

  // The "dead" process was only paused: its late post must not apply a hold that no longer exists.
  const oldId = crashed.instanceId;
  await expect(crashed.post(orphan)).rejects.toThrow();
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 100n, debitsPending: 0n });
  expect(await db.knex('ledger_journal').where({ transfer_id: orphan.transferId })).toHaveLength(0);
  // It carries on under a new registration.
  expect(crashed.instanceId).not.toBe(oldId);
  await crashed.post(await hold(crashed, from, to, 10n));
  expect(await ledger.getBalance(to)).toMatchObject({ balance: 10n });
  expect(await ledger.verifyLedger()).toEqual([]);
});

test('stop waits for open holds, then unregisters and releases whatever is left', async () => {
  const packetLedger = createPacketLedger({ knex: db.knex, logger: silentLogger });
  await packetLedger.start();
  const from = await wallet(50n);
  const to = await wallet(0n);
  const open = await hold(packetLedger, from, to, 20n);
  const stopping = packetLedger.stop(5000);
  await expect(packetLedger.hold(randomUUID(), legs(from, to, 1n))).rejects.toMatchObject({
    code: 'ledger_unavailable',
  });
  await packetLedger.post(open);
  await stopping;
  expect(await ledger.getBalance(to)).toMatchObject({ balance: 20n });

  const abandoned = createPacketLedger({ knex: db.knex, logger: silentLogger });
  await abandoned.start();
  await hold(abandoned, from, to, 30n);
  await abandoned.stop(50); // the packet never resolves: released with the registration
  expect(await ledger.getBalance(from)).toMatchObject({ balance: 30n, debitsPending: 0n });
  expect(await ledger.verifyLedger()).toEqual([]);
});

describe('transferWith: a packet’s money moved in one statement with a local receiver’s own write', () => {
  // The receiver's record: a row per packet, at most 99 (a CHECK makes a write fail).
  beforeAll(async () => {
    await db.knex.raw('CREATE TABLE settlement_probe (id uuid PRIMARY KEY, n integer NOT NULL CHECK (n < 100))');
  });
  const record = (id: string, n: number) => (condition: string) => ({
    sql: `settled AS (
       INSERT INTO settlement_probe (id, n) SELECT ?::uuid, ? WHERE (${condition})
       ON CONFLICT (id) DO NOTHING RETURNING id, n)`,
    bindings: [id, n],
  });
  const recorded = async (id: string) => db.knex('settlement_probe').where({ id }).first();

  test('both commit together: the write’s rows come back, the money is moved and journaled, nothing pending', async () => {
    const packetLedger = await startPacketLedger();
    const from = await wallet(1000n);
    const to = await wallet(0n);
    const transferId = randomUUID();
    const id = randomUUID();
    expect(await packetLedger.transferWith(transferId, legs(from, to, 250n), record(id, 7))).toEqual([{ id, n: 7 }]);
    expect(await recorded(id)).toMatchObject({ n: 7 });
    expect(await ledger.getBalance(from)).toMatchObject({ balance: 750n, debitsPending: 0n });
    expect(await ledger.getBalance(to)).toMatchObject({ balance: 250n, creditsPending: 0n });
    expect(await db.knex('ledger_journal').where({ transfer_id: transferId })).toHaveLength(2);
    expect(await ledger.verifyLedger()).toEqual([]);
  });

  test('a write that returns no row, or fails, moves nothing; nor does a write to an unknown account', async () => {
    const packetLedger = await startPacketLedger();
    const from = await wallet(1000n);
    const to = await wallet(0n);
    const taken = randomUUID();
    await db.knex('settlement_probe').insert({ id: taken, n: 1 });
    const refused = randomUUID();
    expect(await packetLedger.transferWith(refused, legs(from, to, 100n), record(taken, 2))).toEqual([]);
    expect(await recorded(taken)).toMatchObject({ n: 1 });
    const failing = randomUUID();
    const id = randomUUID();
    await expect(packetLedger.transferWith(failing, legs(from, to, 200n), record(id, 500))).rejects.toMatchObject({
      code: 'ledger_unavailable',
    });
    const unknown = randomUUID();
    const other = randomUUID();
    expect(await packetLedger.transferWith(unknown, legs(from, randomUUID(), 200n), record(other, 3))).toEqual([]);
    for (const probe of [id, other]) expect(await recorded(probe)).toBeUndefined();
    expect(await ledger.getBalance(from)).toMatchObject({ balance: 1000n, debitsPending: 0n });
    expect(await ledger.getBalance(to)).toMatchObject({ balance: 0n, creditsPending: 0n });
    expect(await db.knex('ledger_journal').whereIn('transfer_id', [refused, failing, unknown])).toEqual([]);
    expect(await ledger.verifyLedger()).toEqual([]);
  });

  test('money the accounts cannot take is refused (TransferRefusedError), and the write is not applied', async () => {
    const packetLedger = await startPacketLedger();
    const from = await wallet(100n);
    const to = await wallet(0n, { maxBalance: 50n });
    const id = randomUUID();
    await expect(packetLedger.transferWith(randomUUID(), legs(from, to, 150n), record(id, 1))).rejects.toMatchObject({
      code: 'transfer_refused',
    });
    await expect(packetLedger.transferWith(randomUUID(), legs(from, to, 60n), record(id, 1))).rejects.toMatchObject({
      code: 'transfer_refused',
    });
    expect(await recorded(id)).toBeUndefined();
    expect(await ledger.getBalance(from)).toMatchObject({ balance: 100n, debitsPending: 0n });
    expect(await ledger.getBalance(to)).toMatchObject({ balance: 0n });
    expect(await packetLedger.transferWith(randomUUID(), legs(from, to, 50n), record(id, 1))).toHaveLength(1);
    expect(await ledger.getBalance(to)).toMatchObject({ balance: 50n });
    expect(await ledger.verifyLedger()).toEqual([]);
  });
});
