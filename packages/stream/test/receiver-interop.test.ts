// Reference senders pay our stateless receiver over in-memory links.
import { closeConnection, pay, PaymentError, setupPayment, startQuote } from '@interledger/pay';
import { createConnection } from 'ilp-protocol-stream';
import { createStreamReceiver, verifyReceipt, type IncomingMoney, type ReceiverHooks } from '../src';
import { connectorHop, pluginTo } from './support/ilp-link';

const serverAddress = 'test.receiver';

/** Hooks that credit in memory, like an application's incoming-payment ledger would. */
function ledger(limit?: bigint) {
  const credits: IncomingMoney[] = [];
  let total = 0n;
  const hooks: ReceiverHooks = {
    remainingAmount: limit === undefined ? undefined : () => ({ remaining: limit - total, totalReceived: total }),
    onMoney(money) {
      if (limit !== undefined && total + money.amount > limit) throw new Error('over the limit');
      credits.push(money);
      total += money.amount;
      return { totalReceived: total };
    },
  };
  return { hooks, credits, total: () => total };
}

describe('ilp-protocol-stream client → our receiver', () => {
  it('pays exactly the amount sent, one credit per fulfilled packet', async () => {
    const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 4), serverAddress });
    const { ilpAddress, sharedSecret } = receiver.generateCredentials({
      connectionTag: 'invoice-1',
      asset: { code: 'USD', scale: 2 },
    });
    const book = ledger();
    const link = connectorHop((prepare) => receiver.handlePrepare(prepare, book.hooks), { maxPacketAmount: 300n });
    const connection = await createConnection({ plugin: pluginTo(link), destinationAccount: ilpAddress, sharedSecret });
    expect(connection.destinationAssetCode).toBe('USD');
    const stream = connection.createStream();
    await stream.sendTotal(1000);
    expect(connection.totalDelivered).toBe('1000');
    await connection.end();
    expect(book.total()).toBe(1000n);
    expect(book.credits.length).toBeGreaterThanOrEqual(4); // 300-unit packets at most
    expect(new Set(book.credits.map((credit) => credit.sequence)).size).toBe(book.credits.length);
    expect(book.credits.every((credit) => credit.connectionTag === 'invoice-1')).toBe(true);
  });

  it('delivers through an exchange rate and returns verifiable receipts', async () => {
    const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 5), serverAddress });
    const nonce = Buffer.alloc(16, 1);
    const secret = Buffer.alloc(32, 2);
    const { ilpAddress, sharedSecret } = receiver.generateCredentials({ receiptSetup: { nonce, secret } });
    const book = ledger();
    const link = connectorHop((prepare) => receiver.handlePrepare(prepare, book.hooks), { rate: [3n, 2n] });
    const connection = await createConnection({ plugin: pluginTo(link), destinationAccount: ilpAddress, sharedSecret });
    const stream = connection.createStream();
    await stream.sendTotal(2000);
    await connection.end();
    expect(book.total()).toBe(3000n);
    expect(connection.totalDelivered).toBe('3000');
    expect(verifyReceipt(stream.receipt!, secret).totalReceived).toBe(3000n);
  });
});

describe('@interledger/pay → our receiver', () => {
  it('quotes with probes (F99 replies), pays a fixed source amount in F08-limited packets, credited exactly', async () => {
    const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 6), serverAddress });
    const nonce = Buffer.alloc(16, 3);
    const secret = Buffer.alloc(32, 4);
    const { ilpAddress, sharedSecret } = receiver.generateCredentials({
      connectionTag: 'op-incoming',
      receiptSetup: { nonce, secret },
      asset: { code: 'EUR', scale: 2 },
    });
    const book = ledger();
    const plugin = pluginTo(
      connectorHop((prepare) => receiver.handlePrepare(prepare, book.hooks), {
        maxPacketAmount: 250n,
        rate: [9n, 10n],
      }),
    );
    const destination = await setupPayment({ plugin, destinationAddress: ilpAddress, sharedSecret });
    expect(destination.destinationAsset).toEqual({ code: 'EUR', scale: 2 });
    const quote = await startQuote({
      plugin,
      destination,
      amountToSend: 1000n,
      sourceAsset: { code: 'USD', scale: 2 },
      prices: { USD: 1, EUR: 1.1 },
    });
    expect(quote.maxPacketAmount).toBe(250n);
    const progress = await pay({ plugin, destination, quote });
    await closeConnection(plugin, destination);
    expect(progress.error).toBeUndefined();
    expect(progress.amountSent).toBe(1000n);
    expect(progress.amountDelivered).toBe(900n);
    expect(book.total()).toBe(900n);
    expect(verifyReceipt(Buffer.from(progress.streamReceipt!), secret).totalReceived).toBe(900n);
  });

  it('stops with ClosedByReceiver when the application declines (e.g. incoming payment completed)', async () => {
    const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 7), serverAddress });
    const { ilpAddress, sharedSecret } = receiver.generateCredentials({ asset: { code: 'USD', scale: 2 } });
    const book = ledger(500n);
    const plugin = pluginTo(
      connectorHop((prepare) => receiver.handlePrepare(prepare, book.hooks), { maxPacketAmount: 100n }),
    );
    const destination = await setupPayment({ plugin, destinationAddress: ilpAddress, sharedSecret });
    const quote = await startQuote({
      plugin,
      destination,
      amountToSend: 1000n,
      sourceAsset: { code: 'USD', scale: 2 },
    });
    const progress = await pay({ plugin, destination, quote });
    expect(progress.error).toBe(PaymentError.IncompatibleReceiveMax);
    expect(progress.amountDelivered).toBe(book.total());
    expect(book.total()).toBe(500n);
  });
});
