// Data interop with the reference library, in memory:
//   our StreamConnection → ilp-protocol-stream Server (data both ways, money, close), and
//   ilp-protocol-stream client → our stateless receiver (data reassembled by the hook, reply data, end()).
import { randomBytes } from 'node:crypto';
import {
  createConnection,
  createServer,
  type Connection,
  type DataAndMoneyStream,
  type Server,
} from 'ilp-protocol-stream';
import {
  createStreamReceiver,
  openStreamConnection,
  StreamDataAssembler,
  type IncomingClose,
  type ReceiverHooks,
} from '../src';
import { fingerprint } from './support/echo-app';
import { duplexLink } from './support/duplex-link';
import { connectorHop, pluginTo } from './support/ilp-link';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('StreamConnection → ilp-protocol-stream Server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('sends data the server reads, receives what it writes back, pays, and the server sees the close', async () => {
    const link = duplexLink('test.refserver', 'test.client');
    server = await createServer({ plugin: link.plugin, serverSecret: randomBytes(32) });
    const request1 = randomBytes(50_000);
    const request3 = Buffer.from('a small request on stream 3');
    const response1 = randomBytes(40_000);
    const response3 = Buffer.from('the answer on stream 3');
    const expected = new Map<number, [Buffer, Buffer]>([
      [1, [request1, response1]],
      [3, [request3, response3]],
    ]);
    const serverReceived = new Map<number, Buffer[]>();
    let serverMoney = 0n;
    const serverEvents: string[] = [];
    server.on('connection', (connection: Connection) => {
      connection.on('end', () => serverEvents.push('end'));
      connection.on('close', () => serverEvents.push('close'));
      connection.on('error', (error: Error) => serverEvents.push(`error: ${error.message}`));
      connection.on('stream', (stream: DataAndMoneyStream) => {
        stream.setReceiveMax(Infinity);
        stream.on('money', (amount: string) => (serverMoney += BigInt(amount)));
        stream.on('data', (chunk: Buffer) => {
          const chunks = [...(serverReceived.get(stream.id) ?? []), chunk];
          serverReceived.set(stream.id, chunks);
          const [request, response] = expected.get(stream.id) ?? [];
          if (request && response && Buffer.concat(chunks).length === request.length) stream.write(response);
        });
      });
    });
    const { destinationAccount, sharedSecret } = server.generateAddressAndSecret();

    const connection = openStreamConnection({
      destinationAddress: destinationAccount,
      sharedSecret,
      sendPrepare: connectorHop(link.sendPrepare, { maxPacketAmount: 1000n }),
      sourceAddress: 'test.client',
      congestion: { initialBackoffMs: 1 },
    });
    link.deliverToClient = (prepare) => connection.handlePrepare(prepare);
    const back = new Map<bigint, Buffer[]>();
    for (const streamId of [1n, 3n])
      connection.onData(streamId, (data) => back.set(streamId, [...(back.get(streamId) ?? []), data]));
    const backBytes = (streamId: bigint) => Buffer.concat(back.get(streamId) ?? []);

    const [, , progress] = await Promise.all([
      connection.sendData(1n, request1),
      connection.sendData(3n, request3),
      connection.pay({ sourceAmount: 5000n, minExchangeRate: 1 }),
    ]);
    await waitFor(
      () => backBytes(1n).length >= response1.length && backBytes(3n).length >= response3.length,
      'the server responses',
    );
    expect(serverEvents).toEqual([]);
    await connection.close();
    await waitFor(() => serverEvents.includes('close'), "the server connection's close");

    expect(progress).toMatchObject({ sent: 5000n, delivered: 5000n });
    expect(serverMoney).toBe(5000n);
    expect(connection.destinationAsset).toEqual({ code: 'USD', scale: 2 });
    expect(fingerprint(Buffer.concat(serverReceived.get(1) ?? []))).toBe(fingerprint(request1));
    expect(Buffer.concat(serverReceived.get(3) ?? []).toString()).toBe(request3.toString());
    expect(fingerprint(backBytes(1n))).toBe(fingerprint(response1));
    expect(backBytes(3n).toString()).toBe(response3.toString());
    // The server sent its data in Prepares of its own, to our address.
    expect(link.serverPrepares.length).toBeGreaterThan(0);
    expect(link.serverPrepares.every((prepare) => prepare.destination === 'test.client')).toBe(true);
    expect(serverEvents).toEqual(['end', 'close']);
    await expect(connection.closed).resolves.toMatchObject({ by: 'local', errorCode: 1 });
  });
});

describe('ilp-protocol-stream client → our receiver', () => {
  it('the hook reassembles exactly what the client wrote on two streams, its reply arrives, end() completes', async () => {
    const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 8), serverAddress: 'test.receiver' });
    const { ilpAddress, sharedSecret } = receiver.generateCredentials({ asset: { code: 'USD', scale: 2 } });
    const assembler = new StreamDataAssembler();
    const received = new Map<bigint, Buffer[]>();
    const closes: IncomingClose[] = [];
    const repliedOn = new Set<bigint>();
    let credited = 0n;
    const onPacket = (data: Parameters<NonNullable<ReceiverHooks['onData']>>[0]) => {
      for (const chunk of assembler.push(data.connectionId, data.dataFrames)) {
        received.set(chunk.streamId, [...(received.get(chunk.streamId) ?? []), chunk.data]);
      }
      // Answer each stream once, at offset 0 of our side of it.
      const replyData = data.dataFrames
        .map((frame) => frame.streamId)
        .filter((streamId) => !repliedOn.has(streamId))
        .map((streamId) => {
          repliedOn.add(streamId);
          return { streamId, offset: 0n, data: Buffer.from(`got stream ${streamId}`) };
        });
      return { replyData };
    };
    const hooks: ReceiverHooks = {
      onData: onPacket,
      onMoney: (money) => {
        credited += money.amount;
        return onPacket(money);
      },
      onConnectionClose: (close) => {
        closes.push(close);
        assembler.forget(close.connectionId);
      },
    };
    const plugin = pluginTo(
      connectorHop((prepare) => receiver.handlePrepare(prepare, hooks), { maxPacketAmount: 500n }),
    );
    const connection = await createConnection({ plugin, destinationAccount: ilpAddress, sharedSecret });
    const errors: Error[] = [];
    connection.on('error', (error: Error) => errors.push(error));

    const one = randomBytes(100_000);
    const three = randomBytes(20_000);
    const stream1 = connection.createStream();
    const stream3 = connection.createStream();
    const replies = new Map<number, Buffer[]>();
    for (const stream of [stream1, stream3]) {
      stream.on('data', (chunk: Buffer) => replies.set(stream.id, [...(replies.get(stream.id) ?? []), chunk]));
    }
    stream1.write(one);
    stream3.write(three);
    await stream1.sendTotal(2000);
    await waitFor(
      () =>
        Buffer.concat(received.get(1n) ?? []).length === one.length &&
        Buffer.concat(received.get(3n) ?? []).length === three.length,
      'all the data at the receiver',
    );
    await connection.end();

    expect(stream1.id).toBe(1);
    expect(stream3.id).toBe(3);
    expect(fingerprint(Buffer.concat(received.get(1n) ?? []))).toBe(fingerprint(one));
    expect(fingerprint(Buffer.concat(received.get(3n) ?? []))).toBe(fingerprint(three));
    expect(credited).toBe(2000n);
    expect(connection.totalDelivered).toBe('2000');
    expect(Buffer.concat(replies.get(1) ?? []).toString()).toBe('got stream 1');
    expect(Buffer.concat(replies.get(3) ?? []).toString()).toBe('got stream 3');
    // end() closes with an unfulfillable ConnectionClose: only onConnectionClose sees it (answered with F99 + close).
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ errorCode: 1, errorMessage: '' });
    expect(assembler.readOffset(closes[0].connectionId, 1n)).toBe(0n);
    expect(errors).toEqual([]);
  });
});
