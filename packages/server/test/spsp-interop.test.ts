// The reference Interledger clients pay a Sluice wallet address the way the rest of the Interledger world does:
// SPSP over HTTP for credentials, then STREAM packets over ILP over HTTP into our connector (IL-DCP included), with
// the connector converting USD to EUR on the way to the embedded receiver.
import { randomUUID } from 'node:crypto';
import { closeConnection, pay, setupPayment, startQuote } from '@interledger/pay';
import { createConnection } from 'ilp-protocol-stream';
import { verifyReceipt } from '@sluice/stream';
import type { SluiceInstance } from '@sluice/server';
import {
  createAccount,
  depositAssetLiquidity,
  ensureAsset,
  ilpOverHttpPlugin as httpPlugin,
  querySpsp as spsp,
  startTestSluice,
  type TestAccount,
} from '../../../test-support';

describe('reference clients pay a wallet address over SPSP and ILP over HTTP', () => {
  let sluice: SluiceInstance;
  let bob: TestAccount;
  let bobAccountId: string;
  const endpoint = () => `${sluice.urls.connector}/ilp`;

  beforeAll(async () => {
    sluice = await startTestSluice({ ILP_ADDRESS: 'test.sluice', CONNECTOR_SPREAD: '0.002' });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'EUR', assetScale: 2 });
    bobAccountId = await sluice.services.walletAddressAccountId!(bob.walletAddress);
    await depositAssetLiquidity(sluice, bob.walletAddress.assetId, 10_000_000n);
    const usd = await ensureAsset(sluice, 'USD', 2);
    const connector = sluice.services.connector!;
    // The sender's connection: a USD peer with its own address under ours, prefunded so its packets can be debited.
    const peer = await connector.createPeer({
      assetId: usd,
      staticIlpAddress: 'test.sluice.sender',
      maxPacketAmount: 500n,
      http: {
        incoming: { authTokens: ['sender-token'] },
        outgoing: { authToken: 'unused', endpoint: 'http://127.0.0.1:9/ilp' },
      },
    });
    await connector.deposit({ id: randomUUID(), accountId: peer.id, amount: 1_000_000n });
  });
  afterAll(() => sluice.stop());

  it('answers SPSP with fresh credentials per query, and receipts when asked', async () => {
    const first = await spsp(bob.walletAddress.url);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('content-type')).toMatch(/^application\/spsp4\+json/);
    expect(first.body.destination_account).toMatch(/^test\.sluice\.bob\./);
    expect(Buffer.from(first.body.shared_secret, 'base64')).toHaveLength(32);
    expect(first.body.receipts_enabled).toBe(false);
    const second = await spsp(bob.walletAddress.url);
    expect(second.body.destination_account).not.toBe(first.body.destination_account);
    const withReceipts = await spsp(bob.walletAddress.url, {
      'receipt-nonce': Buffer.alloc(16, 1).toString('base64'),
      'receipt-secret': Buffer.alloc(32, 2).toString('base64'),
    });
    expect(withReceipts.body.receipts_enabled).toBe(true);
    const halfSetup = await fetch(bob.walletAddress.url, {
      headers: { accept: 'application/spsp4+json', 'receipt-nonce': Buffer.alloc(16, 1).toString('base64') },
    });
    expect(halfSetup.status).toBe(400);
  });

  it('@interledger/pay pays through the connector with FX, receipts verify, Bob is credited exactly', async () => {
    const receiptSecret = Buffer.alloc(32, 9);
    const { body } = await spsp(bob.walletAddress.url, {
      'receipt-nonce': Buffer.alloc(16, 3).toString('base64'),
      'receipt-secret': receiptSecret.toString('base64'),
    });
    const before = (await sluice.services.connector!.getBalance(bobAccountId)).balance;
    const plugin = httpPlugin(endpoint(), 'sender-token');
    const destination = await setupPayment({
      plugin,
      destinationAddress: body.destination_account,
      sharedSecret: Buffer.from(body.shared_secret, 'base64'),
    });
    expect(destination.destinationAsset).toEqual({ code: 'EUR', scale: 2 });
    const quote = await startQuote({
      plugin,
      destination,
      amountToSend: 10_000n,
      sourceAsset: { code: 'USD', scale: 2 },
      prices: { USD: 1, EUR: 1.08 },
    });
    expect(quote.maxPacketAmount).toBe(500n);
    const progress = await pay({ plugin, destination, quote });
    await closeConnection(plugin, destination);
    expect(progress.error).toBeUndefined();
    expect(progress.amountSent).toBe(10_000n);
    const after = (await sluice.services.connector!.getBalance(bobAccountId)).balance;
    expect(after - before).toBe(progress.amountDelivered);
    // 100.00 USD at 1.08 USD/EUR less the 0.2 % spread, floored per packet.
    expect(progress.amountDelivered).toBeGreaterThan(9200n);
    expect(progress.amountDelivered).toBeLessThanOrEqual(9240n);
    expect(verifyReceipt(Buffer.from(progress.streamReceipt!), receiptSecret).totalReceived).toBe(
      progress.amountDelivered,
    );
    expect(await sluice.services.connector!.verifyLedger()).toEqual([]);
  }, 60_000);

  it('an ilp-protocol-stream client pays through the connector too', async () => {
    const { body } = await spsp(bob.walletAddress.url);
    const before = (await sluice.services.connector!.getBalance(bobAccountId)).balance;
    const connection = await createConnection({
      plugin: httpPlugin(endpoint(), 'sender-token'),
      destinationAccount: body.destination_account,
      sharedSecret: Buffer.from(body.shared_secret, 'base64'),
      slippage: 0.01,
      exchangeRate: 1 / 1.08,
    });
    const stream = connection.createStream();
    await stream.sendTotal(2_000);
    const delivered = BigInt(connection.totalDelivered);
    await connection.end();
    const after = (await sluice.services.connector!.getBalance(bobAccountId)).balance;
    expect(after - before).toBe(delivered);
    expect(delivered).toBeGreaterThan(1800n);
  }, 60_000);
});
