// End-to-end connector throughput with the real PostgreSQL ledger: a local sender's packets go through the whole
// pipeline (account, expiry, routing, FX, durable group-committed hold, fulfillment check, expiry timer) to an
// in-process receiver that fulfills, and back (durable post before the Fulfill is returned). N packets are kept in
// flight; figures are fulfilled packets per second and latency percentiles. The ledger is checked afterwards:
// balances must equal the number of fulfilled packets times the amount, and every invariant must hold.
//
// Database: BENCH_DATABASE_URL, or a fresh database created (and dropped) on postgres://postgres@127.0.0.1:5432.
// Knobs: BENCH_CONNECTOR_IN_FLIGHT (default "64,256"), BENCH_CONNECTOR_DURATION_MS (4000), BENCH_CONNECTOR_BATCHES
// (concurrent group-commit transactions, default 1; more is slower on the same hot rows).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createConnector, type Connector } from '@sluice/connector';
import { isFulfill, type IlpPrepare } from '@sluice/ilp';
import { migrateDatabase, openDatabase, type Database } from '@sluice/server';
import pino from 'pino';
import type { BenchFigure } from './figure';

export const name = 'Connector';

const DURATION_MS = Number(process.env.BENCH_CONNECTOR_DURATION_MS ?? 4000);
const IN_FLIGHT = (process.env.BENCH_CONNECTOR_IN_FLIGHT ?? '64,256').split(',').map(Number);
const AMOUNT = 100n;
const SERVER_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function openBenchDatabase(): Promise<{ database: Database; dispose(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) {
    const database = await openDatabase(process.env.BENCH_DATABASE_URL, { poolSize: 8 });
    await migrateDatabase(database.knex);
    return { database, dispose: () => database.close() };
  }
  const dbName = `sluice_bench_connector_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase(SERVER_URL, { poolSize: 1 });
  await admin.knex.raw(`CREATE DATABASE "${dbName}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${dbName}`;
  const database = await openDatabase(url.toString(), { poolSize: 8 });
  await migrateDatabase(database.knex);
  return {
    database,
    async dispose() {
      await database.close();
      await admin.knex.raw(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.close();
    },
  };
}

interface Scenario {
  label: string;
  senderAccountId: string;
  receiverAccountId: string;
  destination: string;
  /** What the receiver's balance grows by per fulfilled packet. */
  receivedPerPacket: bigint;
}

async function setUp(connector: Connector): Promise<{ scenarios: Scenario[]; condition: Buffer }> {
  const usd = await connector.createAsset({ code: 'USD', scale: 2 });
  const eur = await connector.createAsset({ code: 'EUR', scale: 2 });
  await connector.deposit({ id: randomUUID(), accountId: eur.liquidityAccountId, amount: 10n ** 15n });
  const fulfillment = randomBytes(32);
  const handler = async () => ({ fulfillment, data: Buffer.alloc(0) });
  const scenarios: Scenario[] = [];
  for (const [label, receiverAsset, receivedPerPacket] of [
    ['same asset (USD → USD)', usd, AMOUNT],
    // 100 USD cents at 1.00/1.08 with the 0.2 % spread: floor(100 × 100/108 × 0.998) = 92 EUR cents.
    ['cross asset (USD → EUR)', eur, 92n],
  ] as const) {
    const sender = await connector.createLedgerAccount({
      assetId: usd.id,
      kind: 'outgoing_payment',
      ownerId: randomUUID(),
    });
    await connector.deposit({ id: randomUUID(), accountId: sender.id, amount: 10n ** 15n });
    const receiver = await connector.createLedgerAccount({
      assetId: receiverAsset.id,
      kind: 'incoming_payment',
      ownerId: randomUUID(),
    });
    const prefix = `r${scenarios.length}`;
    connector.registerLocalReceiver(prefix, handler, receiver.id);
    scenarios.push({
      label,
      senderAccountId: sender.id,
      receiverAccountId: receiver.id,
      destination: `${connector.ilpAddress}.${prefix}.x`,
      receivedPerPacket,
    });
  }
  return { scenarios, condition: createHash('sha256').update(fulfillment).digest() };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function runScenario(connector: Connector, scenario: Scenario, inFlight: number, condition: Buffer) {
  const before = (await connector.getBalance(scenario.receiverAccountId)).balance;
  const latencies: number[] = [];
  let rejected = 0;
  const deadline = performance.now() + DURATION_MS;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const prepare: IlpPrepare = {
        amount: AMOUNT,
        expiresAt: new Date(Date.now() + 30_000),
        executionCondition: condition,
        destination: scenario.destination,
        data: Buffer.alloc(0),
      };
      const sent = performance.now();
      const reply = await connector.sendPrepare(scenario.senderAccountId, prepare);
      latencies.push(performance.now() - sent);
      if (!isFulfill(reply)) rejected++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = performance.now() - start;
  const fulfilled = latencies.length - rejected;
  const after = (await connector.getBalance(scenario.receiverAccountId)).balance;
  if (after - before !== BigInt(fulfilled) * scenario.receivedPerPacket) {
    throw new Error(`ledger mismatch: receiver grew by ${after - before} for ${fulfilled} fulfilled packets`);
  }
  if (rejected > 0) throw new Error(`${rejected} packets were rejected`);
  const sorted = Float64Array.from(latencies).sort();
  return { perSecond: (fulfilled * 1000) / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

export async function run(): Promise<BenchFigure[]> {
  const { database, dispose } = await openBenchDatabase();
  const connector = await createConnector({
    knex: database.knex,
    logger: pino({ level: 'warn' }),
    ilpAddress: 'test.bench',
    spread: 0.002,
    packetLedger: { maxConcurrentBatches: Number(process.env.BENCH_CONNECTOR_BATCHES ?? 1) },
  });
  const figures: BenchFigure[] = [];
  try {
    const { scenarios, condition } = await setUp(connector);
    for (const scenario of scenarios) {
      for (const inFlight of IN_FLIGHT) {
        const result = await runScenario(connector, scenario, inFlight, condition);
        const label = `${scenario.label}, ${inFlight} in flight`;
        figures.push(
          { label: `${label}: fulfilled`, value: result.perSecond, unit: 'packets/s', note: 'durable group commit' },
          { label: `${label}: p50 latency`, value: result.p50, unit: 'ms' },
          { label: `${label}: p99 latency`, value: result.p99, unit: 'ms' },
        );
      }
    }
    const violations = await connector.verifyLedger();
    if (violations.length > 0) throw new Error(`ledger invariants violated: ${JSON.stringify(violations)}`);
  } finally {
    await connector.stop();
    await dispose();
  }
  return figures;
}
