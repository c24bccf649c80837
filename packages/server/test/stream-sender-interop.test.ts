// Our STREAM sender, from an account on our connector, pays an ilp-protocol-stream Server that sits behind an ILP
// over HTTP peer: packets leave through the connector's pipeline (USD → EUR exchange, ledger holds) and cross real HTTP.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Connection, type DataAndMoneyStream, type Server } from 'ilp-protocol-stream';
import { ILDCP_DESTINATION, serializeIldcpResponse, serializeIlpFulfill } from '@sluice/ilp';
import { sendPayment } from '@sluice/stream';
import type { SluiceInstance } from '@sluice/server';
import { ensureAsset, depositAssetLiquidity, startTestSluice } from '../../../test-support';

const PEER_ADDRESS = 'test.refpeer';

/** The reference server's side of an ILP-over-HTTP link: POST /ilp bodies go to the plugin's data handler. */
async function referencePeer(token: string) {
  let handler: ((data: Buffer) => Promise<Buffer>) | undefined;
  let connected = false;
  const plugin = {
    async connect() {
      connected = true;
    },
    async disconnect() {
      connected = false;
    },
    isConnected: () => connected,
    async sendData(data: Buffer): Promise<Buffer> {
      // The server only asks for its own address (IL-DCP); answer as its parent would.
      if (data.includes(Buffer.from(ILDCP_DESTINATION))) {
        const body = serializeIldcpResponse({ clientAddress: PEER_ADDRESS, assetCode: 'EUR', assetScale: 2 });
        return serializeIlpFulfill({ fulfillment: Buffer.alloc(32), data: body });
      }
      throw new Error('the reference server sends no packets of its own');
    },
    registerDataHandler(h: (data: Buffer) => Promise<Buffer>) {
      handler = h;
    },
    deregisterDataHandler() {
      handler = undefined;
    },
  };
  const http: HttpServer = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.headers.authorization !== `Bearer ${token}` || !handler) {
        response.statusCode = 401;
        response.end();
        return;
      }
      handler(Buffer.concat(chunks)).then(
        (reply) => {
          response.setHeader('content-type', 'application/octet-stream');
          response.end(reply);
        },
        () => {
          response.statusCode = 500;
          response.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const server: Server = await createServer({ plugin, serverSecret: randomBytes(32) });
  let received = 0n;
  server.on('connection', (connection: Connection) => {
    connection.on('stream', (stream: DataAndMoneyStream) => {
      stream.setReceiveMax(Infinity);
      stream.on('money', (amount: string) => (received += BigInt(amount)));
    });
  });
  return {
    server,
    endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}/ilp`,
    received: () => received,
    close: async () => {
      await server.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

describe('our sender → ilp-protocol-stream Server through the connector over ILP over HTTP', () => {
  let sluice: SluiceInstance;
  let peer: Awaited<ReturnType<typeof referencePeer>>;

  beforeAll(async () => {
    sluice = await startTestSluice({ CONNECTOR_SPREAD: '0.002' });
    peer = await referencePeer('sluice-to-ref');
  });
  afterAll(async () => {
    await peer.close();
    await sluice.stop();
  });

  it('pays across an exchange and the ledger balances', async () => {
    const connector = sluice.services.connector!;
    const usd = await ensureAsset(sluice, 'USD', 2);
    const eur = await ensureAsset(sluice, 'EUR', 2);
    await depositAssetLiquidity(sluice, eur, 1_000_000n);
    await connector.createPeer({
      assetId: eur,
      staticIlpAddress: PEER_ADDRESS,
      http: {
        incoming: { authTokens: ['ref-to-sluice'] },
        outgoing: { authToken: 'sluice-to-ref', endpoint: peer.endpoint },
      },
    });
    const sender = await connector.createLedgerAccount({
      assetId: usd,
      kind: 'other',
      ownerId: `sender-${randomUUID()}`,
    });
    await connector.deposit({ id: randomUUID(), accountId: sender.id, amount: 100_000n });

    const { destinationAccount, sharedSecret } = peer.server.generateAddressAndSecret();
    const progress = await sendPayment({
      destinationAddress: destinationAccount,
      sharedSecret,
      sourceAmount: 50_000n,
      minExchangeRate: '0.9',
      sendPrepare: (prepare) => connector.sendPrepare(sender.id, prepare),
    });
    expect(progress.sent).toBe(50_000n);
    // 500.00 USD at 1.08 USD/EUR less the 0.2 % spread, floored per packet.
    expect(progress.delivered).toBeGreaterThan(46_100n);
    expect(progress.delivered).toBeLessThanOrEqual(46_204n);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(peer.received()).toBe(progress.delivered);
    expect((await connector.getBalance(sender.id)).balance).toBe(50_000n);
    expect(await connector.verifyLedger()).toEqual([]);
  }, 60_000);
});
