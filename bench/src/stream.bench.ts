// STREAM throughput, in memory: 1,000,000 units in 1,000-unit packets (the path maximum, learned from F08) from a
// sender to a receiver, ours (sendPayment → createStreamReceiver) against ilp-protocol-stream (client → Server).
// Both links serialize the ILP packets (ours with @sluice/ilp, theirs with ilp-packet) so the work compared is the same.
// Also: the raw per-packet crypto of both ends, and our receiver's whole decision procedure per packet.
import { randomBytes } from 'node:crypto';
import * as RefPacket from 'ilp-packet';
import * as ILDCP from 'ilp-protocol-ildcp';
import { createConnection, createServer, type Connection, type DataAndMoneyStream } from 'ilp-protocol-stream';
import {
  deserializeIlpPrepare,
  deserializeIlpReply,
  serializeAmountTooLargeData,
  serializeIlpPrepare,
  serializeIlpReply,
  type IlpPrepare,
  type IlpReply,
} from '@sluice/ilp';
import {
  conditionFor,
  createStreamReceiver,
  decrypt,
  encodeStreamPacket,
  encrypt,
  encryptionKey,
  FrameType,
  fulfillmentFor,
  fulfillmentKey,
  sendPayment,
} from '@sluice/stream';
import { measureOpsPerSecond, type BenchFigure } from './figure';

export const name = 'STREAM';

const TOTAL = 1_000_000n;
const MAX_PACKET = 1_000n;

async function ours(): Promise<{ packets: number; seconds: number }> {
  const receiver = createStreamReceiver({ serverSecret: randomBytes(32), serverAddress: 'test.bench.receiver' });
  const { ilpAddress, sharedSecret } = receiver.generateCredentials({ connectionTag: 'bench' });
  let credited = 0n;
  const hooks = {
    onMoney: ({ amount }: { amount: bigint }) => {
      credited += amount;
    },
  };
  const sendPrepare = async (prepare: IlpPrepare): Promise<IlpReply> => {
    const incoming = deserializeIlpPrepare(serializeIlpPrepare(prepare));
    if (incoming.amount > MAX_PACKET) {
      const data = serializeAmountTooLargeData({ receivedAmount: incoming.amount, maximumAmount: MAX_PACKET });
      return { code: 'F08', triggeredBy: 'test.bench.connector', message: '', data };
    }
    return deserializeIlpReply(serializeIlpReply(await receiver.handlePrepare(incoming, hooks)));
  };
  const start = process.hrtime.bigint();
  const result = await sendPayment({
    destinationAddress: ilpAddress,
    sharedSecret,
    sourceAmount: TOTAL,
    minExchangeRate: 1,
    sendPrepare,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (credited !== TOTAL || result.delivered !== TOTAL) throw new Error(`ours credited ${credited}`);
  return { packets: result.packets, seconds };
}

type Handler = (data: Buffer) => Promise<Buffer>;

/** Two plugins wired back to back; the client side enforces the 1,000-unit maximum with F08 like a connector. */
function pluginPair() {
  const handlers: { client?: Handler; server?: Handler } = {};
  const ildcp = (address: string) =>
    ILDCP.serializeIldcpResponse({ clientAddress: address, assetCode: 'USD', assetScale: 2 });
  const make = (self: 'client' | 'server', address: string, deliver: (data: Buffer) => Promise<Buffer>) => ({
    connect: async () => {},
    disconnect: async () => {},
    isConnected: () => true,
    registerDataHandler: (handler: Handler) => {
      handlers[self] = handler;
    },
    deregisterDataHandler: () => {
      handlers[self] = undefined;
    },
    sendData: async (data: Buffer) => {
      const prepare = RefPacket.deserializeIlpPrepare(data);
      if (prepare.destination === 'peer.config') return ildcp(address);
      return deliver(data);
    },
  });
  const client = make('client', 'test.bench.client', async (data) => {
    const prepare = RefPacket.deserializeIlpPrepare(data);
    if (BigInt(prepare.amount) > MAX_PACKET) {
      const amounts = serializeAmountTooLargeData({
        receivedAmount: BigInt(prepare.amount),
        maximumAmount: MAX_PACKET,
      });
      return RefPacket.serializeIlpReject({
        code: 'F08',
        triggeredBy: 'test.bench.connector',
        message: '',
        data: amounts,
      });
    }
    return handlers.server!(data);
  });
  const server = make('server', 'test.bench.server', async (data) => handlers.client!(data));
  return { client, server };
}

async function theirs(): Promise<{ packets: number; seconds: number }> {
  const plugins = pluginPair();
  const server = await createServer({ plugin: plugins.server, serverSecret: randomBytes(32) });
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
  const { destinationAccount, sharedSecret } = server.generateAddressAndSecret();
  const start = process.hrtime.bigint();
  const connection = await createConnection({ plugin: plugins.client, destinationAccount, sharedSecret });
  await connection.createStream().sendTotal(TOTAL.toString());
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await connection.end();
  await server.close();
  if (credited !== TOTAL) throw new Error(`ilp-protocol-stream credited ${credited}`);
  return { packets, seconds };
}

/** Everything cryptographic both ends do for one fulfilled packet (plaintexts pre-encoded: crypto only). */
function cryptoPerPacket(): () => void {
  const secret = randomBytes(32);
  const key = encryptionKey(secret);
  const fkey = fulfillmentKey(secret);
  const request = encodeStreamPacket({
    sequence: 1234n,
    ilpPacketType: 12,
    prepareAmount: 990n,
    frames: [{ type: FrameType.StreamMoney, streamId: 1n, shares: 1n }],
  });
  const response = encodeStreamPacket({ sequence: 1234n, ilpPacketType: 13, prepareAmount: 1000n, frames: [] });
  return () => {
    // sender: seal the request, derive fulfillment and condition
    const data = encrypt(key, request);
    const condition = conditionFor(fulfillmentFor(fkey, data));
    // receiver: open, recompute fulfillment and check the condition, seal the reply
    decrypt(key, data);
    const fulfillment = fulfillmentFor(fkey, data);
    if (!conditionFor(fulfillment).equals(condition)) throw new Error('condition mismatch');
    const reply = encrypt(key, response);
    // sender: check the fulfillment, open the reply
    if (!conditionFor(fulfillment).equals(condition)) throw new Error('bad fulfillment');
    decrypt(key, reply);
  };
}

async function receiverPacketsPerSecond(durationMs = 1000): Promise<number> {
  const receiver = createStreamReceiver({ serverSecret: randomBytes(32), serverAddress: 'test.bench.receiver' });
  const { ilpAddress, sharedSecret } = receiver.generateCredentials({ connectionTag: 'bench' });
  const data = encrypt(
    encryptionKey(sharedSecret),
    encodeStreamPacket({
      sequence: 1n,
      ilpPacketType: 12,
      prepareAmount: 1000n,
      frames: [{ type: FrameType.StreamMoney, streamId: 1n, shares: 1n }],
    }),
  );
  const prepare: IlpPrepare = {
    amount: 1000n,
    expiresAt: new Date(Date.now() + 60_000),
    executionCondition: conditionFor(fulfillmentFor(fulfillmentKey(sharedSecret), data)),
    destination: ilpAddress,
    data,
  };
  const hooks = { onMoney: () => undefined };
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 100; i++) await receiver.handlePrepare(prepare, hooks);
    count += 100;
  }
  return (count * 1e9) / Number(process.hrtime.bigint() - start);
}

export async function run(): Promise<BenchFigure[]> {
  await ours(); // warm-up
  const a = await ours();
  const b = await theirs();
  const oursRate = a.packets / a.seconds;
  const theirsRate = b.packets / b.seconds;
  const cryptoOps = measureOpsPerSecond(cryptoPerPacket());
  const receiverOps = await receiverPacketsPerSecond();
  return [
    {
      label: `sendPayment → our receiver (${a.packets} packets)`,
      value: oursRate,
      unit: 'packets/s',
      note: `${(oursRate / theirsRate).toFixed(1)}× ilp-protocol-stream, ${a.seconds.toFixed(2)} s`,
    },
    {
      label: `ilp-protocol-stream client → Server (${b.packets} packets)`,
      value: theirsRate,
      unit: 'packets/s',
      note: `${b.seconds.toFixed(2)} s`,
    },
    {
      label: 'STREAM crypto (AES-GCM ×4, HMAC ×2, SHA-256 ×3), both ends, per packet',
      value: 1e6 / cryptoOps,
      unit: 'µs',
      note: `${Math.round(cryptoOps).toLocaleString('en-US')} packets/s per core`,
    },
    { label: 'our receiver handlePrepare (fulfill)', value: receiverOps, unit: 'packets/s' },
  ];
}
