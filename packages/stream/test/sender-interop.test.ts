// Our sender pays the reference receiver: an ilp-protocol-stream Server over an in-memory link.
import { randomBytes } from 'node:crypto';
import {
  createServer,
  verifyReceipt,
  type Connection,
  type DataAndMoneyStream,
  type Server,
} from 'ilp-protocol-stream';
import { sendPayment, StreamPaymentError } from '../src';
import { connectorHop, pluginFrom, type SendPrepare } from './support/ilp-link';

interface Harness {
  server: Server;
  sendPrepare: SendPrepare;
  received: () => bigint;
  moneyEvents: () => number;
}

async function referenceServer(receiveMax: number | string = Infinity): Promise<Harness> {
  const { plugin, sendPrepare } = pluginFrom('test.refserver', { code: 'XRP', scale: 6 });
  const server = await createServer({ plugin, serverSecret: randomBytes(32) });
  let received = 0n;
  let events = 0;
  server.on('connection', (connection: Connection) => {
    connection.on('stream', (stream: DataAndMoneyStream) => {
      stream.setReceiveMax(receiveMax);
      stream.on('money', (amount: string) => {
        received += BigInt(amount);
        events++;
      });
    });
  });
  return { server, sendPrepare, received: () => received, moneyEvents: () => events };
}

describe('sendPayment → ilp-protocol-stream Server', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.server.close();
  });

  it('pays a fixed source amount exactly, in packets limited by F08', async () => {
    harness = await referenceServer();
    const { destinationAccount, sharedSecret } = harness.server.generateAddressAndSecret('tag1');
    const result = await sendPayment({
      destinationAddress: destinationAccount,
      sharedSecret,
      sourceAmount: 25_000n,
      minExchangeRate: 1,
      sendPrepare: connectorHop(harness.sendPrepare, { maxPacketAmount: 1000n }),
    });
    expect(result).toMatchObject({ sent: 25_000n, delivered: 25_000n, packets: 25 });
    expect(result.destinationAsset).toEqual({ code: 'XRP', scale: 6 });
    expect(harness.received()).toBe(25_000n);
    expect(harness.moneyEvents()).toBe(25);
  });

  it('delivers through an exchange rate and keeps the latest receipt', async () => {
    harness = await referenceServer();
    const receiptNonce = randomBytes(16);
    const receiptSecret = randomBytes(32);
    const { destinationAccount, sharedSecret } = harness.server.generateAddressAndSecret({
      receiptNonce,
      receiptSecret,
    });
    const result = await sendPayment({
      destinationAddress: destinationAccount,
      sharedSecret,
      minDeliveryAmount: 12_345n,
      minExchangeRate: '2.4',
      sendPrepare: connectorHop(harness.sendPrepare, { maxPacketAmount: 800n, rate: [5n, 2n] }),
    });
    expect(result.delivered).toBeGreaterThanOrEqual(12_345n);
    expect(harness.received()).toBe(result.delivered);
    expect(result.receipt).toBeDefined();
    expect(verifyReceipt(result.receipt!, receiptSecret).totalReceived.toString()).toBe(result.delivered.toString());
  });

  it('stops when the server stream will not receive more', async () => {
    harness = await referenceServer(3000);
    const { destinationAccount, sharedSecret } = harness.server.generateAddressAndSecret();
    const error = await sendPayment({
      destinationAddress: destinationAccount,
      sharedSecret,
      sourceAmount: 10_000n,
      minExchangeRate: 1,
      sendPrepare: connectorHop(harness.sendPrepare, { maxPacketAmount: 1000n }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamPaymentError);
    expect((error as StreamPaymentError).code).toBe('RECEIVER_REFUSED');
    expect(harness.received()).toBe(3000n);
    expect((error as StreamPaymentError).progress).toMatchObject({ sent: 3000n, delivered: 3000n });
  });
});
