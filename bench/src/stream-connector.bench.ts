// STREAM through the connector with the real PostgreSQL ledger: 1,000,000 units in 1,000-unit packets (the path
// maximum, learned from F08), sender account → connector pipeline (holds, group commit) → local receiver. Ours
// (sendPayment → createStreamReceiver) beside ilp-protocol-stream (client → Server) over the very same connector.
import { randomBytes, randomUUID } from 'node:crypto';
import * as RefPacket from 'ilp-packet';
import * as ILDCP from 'ilp-protocol-ildcp';
import { createConnection, createServer, type Connection, type DataAndMoneyStream } from 'ilp-protocol-stream';
import pino from 'pino';
import { createConnector, type Connector } from '@sluice/connector';
import {
  deserializeIlpPrepare,
  deserializeIlpReply,
  serializeAmountTooLargeData,
  serializeIlpPrepare,
  serializeIlpReply,
  type IlpPrepare,
  type IlpReply,
} from '@sluice/ilp';
import { openDatabase } from '@sluice/server';
import { createStreamReceiver, sendPayment } from '@sluice/stream';
import type { BenchFigure } from './figure';
import { createBenchDatabase } from './bench-database';

export const name = 'STREAM through the connector (PostgreSQL ledger)';

const TOTAL = 1_000_000n;
const MAX_PACKET = 1_000n;
const ILP_ADDRESS = 'test.bench';

function tooLarge(amount: bigint): IlpReply | undefined {
  if (amount <= MAX_PACKET) return undefined;
  const data = serializeAmountTooLargeData({ receivedAmount: amount, maximumAmount: MAX_PACKET });
  return { code: 'F08', triggeredBy: ILP_ADDRESS, message: '', data };
}

async function account(connector: Connector, assetId: string, balance: bigint): Promise<string> {
  const created = await connector.createLedgerAccount({ assetId, kind: 'other', ownerId: randomUUID() });
  if (balance > 0n) await connector.deposit({ id: randomUUID(), accountId: created.id, amount: balance });
  return created.id;
}

async function ours(connector: Connector, assetId: string): Promise<{ packets: number; seconds: number }> {
  const receiver = createStreamReceiver({ serverSecret: randomBytes(32), serverAddress: `${ILP_ADDRESS}.ours` });
  let credited = 0n;
  connector.registerLocalReceiver(
    'ours',
    (prepare) => receiver.handlePrepare(prepare, { onMoney: ({ amount }) => void (credited += amount) }),
    await account(connector, assetId, 0n),
  );
  const sender = await account(connector, assetId, TOTAL * 2n);
  const { ilpAddress, sharedSecret } = receiver.generateCredentials();
  const start = process.hrtime.bigint();
  const result = await sendPayment({
    destinationAddress: ilpAddress,
    sharedSecret,
    sourceAmount: TOTAL,
    minExchangeRate: 1,
    // Serialized both ways, as a link would carry them.
    sendPrepare: async (prepare: IlpPrepare) => {
      const wire = deserializeIlpPrepare(serializeIlpPrepare(prepare));
      return deserializeIlpReply(
        serializeIlpReply(tooLarge(wire.amount) ?? (await connector.sendPrepare(sender, wire))),
      );
    },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (credited !== TOTAL || result.delivered !== TOTAL) throw new Error(`ours credited ${credited}`);
  return { packets: result.packets, seconds };
}

async function theirs(connector: Connector, assetId: string): Promise<{ packets: number; seconds: number }> {
  let serverHandler: ((data: Buffer) => Promise<Buffer>) | undefined;
  const plugin = (address: string, send: (data: Buffer) => Promise<Buffer>) => ({
    connect: async () => {},
    disconnect: async () => {},
    isConnected: () => true,
    registerDataHandler: (handler: (data: Buffer) => Promise<Buffer>) => {
      if (address.endsWith('theirs')) serverHandler = handler;
    },
    deregisterDataHandler: () => {},
    sendData: async (data: Buffer) => {
      const prepare = RefPacket.deserializeIlpPrepare(data);
      if (prepare.destination === 'peer.config') {
        return ILDCP.serializeIldcpResponse({ clientAddress: address, assetCode: 'USD', assetScale: 2 });
      }
      return send(data);
    },
  });
  connector.registerLocalReceiver(
    'theirs',
    async (prepare) => deserializeIlpReply(await serverHandler!(serializeIlpPrepare(prepare))),
    await account(connector, assetId, 0n),
  );
  const sender = await account(connector, assetId, TOTAL * 2n);
  const server = await createServer({
    plugin: plugin(`${ILP_ADDRESS}.theirs`, async () => {
      throw new Error('the server sends nothing');
    }),
    serverSecret: randomBytes(32),
  });
  let credited = 0n;
  let packets = 0;
  server.on('connection', (connection: Connection) => {
    connection.on('stream', (stream: DataAndMoneyStream) => {
      stream.setReceiveMax(Infinity);
      stream.on('money', (amount: string) => {
        credited += BigInt(amount);
        packets++;
      });
    });
  });
  const client = plugin(`${ILP_ADDRESS}.client`, async (data) => {
    const prepare = deserializeIlpPrepare(data);
    return serializeIlpReply(tooLarge(prepare.amount) ?? (await connector.sendPrepare(sender, prepare)));
  });
  const { destinationAccount, sharedSecret } = server.generateAddressAndSecret();
  const start = process.hrtime.bigint();
  const connection = await createConnection({ plugin: client, destinationAccount, sharedSecret });
  await connection.createStream().sendTotal(TOTAL.toString());
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await connection.end();
  await server.close();
  if (credited !== TOTAL) throw new Error(`ilp-protocol-stream credited ${credited}`);
  return { packets, seconds };
}

export async function run(): Promise<BenchFigure[]> {
  const benchDatabase = await createBenchDatabase('stream');
  const database = await openDatabase(benchDatabase.url, { poolSize: 8 });
  const connector = await createConnector({
    knex: database.knex,
    logger: pino({ level: 'warn' }),
    ilpAddress: ILP_ADDRESS,
  });
  try {
    const asset = await connector.createAsset({ code: 'USD', scale: 2 });
    const reference = await theirs(connector, asset.id);
    const own = await ours(connector, asset.id);
    const ownRate = own.packets / own.seconds;
    const referenceRate = reference.packets / reference.seconds;
    return [
      {
        label: 'ours: sender → connector → receiver',
        value: ownRate,
        unit: 'packets/s',
        note: `${own.packets} packets in ${own.seconds.toFixed(2)} s; ${(ownRate / referenceRate).toFixed(1)}× ilp-protocol-stream`,
      },
      {
        label: 'ilp-protocol-stream: client → connector → Server',
        value: referenceRate,
        unit: 'packets/s',
        note: `${reference.packets} packets in ${reference.seconds.toFixed(2)} s`,
      },
    ];
  } finally {
    await connector.stop();
    await database.close();
    await benchDatabase.dispose();
  }
}
