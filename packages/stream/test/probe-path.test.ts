import { createStreamReceiver, probePath, type IncomingMoney } from '../src';
import { connectorHop } from './support/ilp-link';

describe('probePath', () => {
  it('learns the end-to-end rate, the path maximum and the receiver asset without moving money', async () => {
    const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 3), serverAddress: 'test.receiver' });
    const credentials = receiver.generateCredentials({ asset: { code: 'EUR', scale: 2 } });
    const credited: IncomingMoney[] = [];
    const deliver = (prepare: Parameters<typeof receiver.handlePrepare>[0]) =>
      receiver.handlePrepare(prepare, { onMoney: (money) => void credited.push(money) });
    const probe = await probePath({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: connectorHop(deliver, { rate: [9n, 10n], maxPacketAmount: 50_000n }),
    });
    expect(Number(probe.exchangeRate.numerator) / Number(probe.exchangeRate.denominator)).toBeCloseTo(0.9, 3);
    expect(probe.maxPacketAmount).toBe(50_000n);
    expect(probe.destinationAsset).toEqual({ code: 'EUR', scale: 2 });
    expect(credited).toEqual([]);
  });

  it('fails with a typed error when the path is unreachable', async () => {
    await expect(
      probePath({
        destinationAddress: 'test.nowhere.abc',
        sharedSecret: Buffer.alloc(32, 1),
        sendPrepare: async () => ({
          code: 'F02',
          triggeredBy: 'test.connector',
          message: 'no route',
          data: Buffer.alloc(0),
        }),
      }),
    ).rejects.toMatchObject({ code: 'CONNECTOR_ERROR' });
  });

  it('does not shrink probes forever against a liquidity limit once the rate is precise', async () => {
    const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 4), serverAddress: 'test.receiver' });
    const credentials = receiver.generateCredentials();
    let prepares = 0;
    const started = Date.now();
    const probe = await probePath({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: async (prepare) => {
        prepares++;
        if (prepare.amount > 5_000_000n) {
          return {
            code: 'T04',
            triggeredBy: 'test.connector',
            message: 'insufficient liquidity',
            data: Buffer.alloc(0),
          };
        }
        if (prepare.amount * 925n < 1000n) {
          return { code: 'R01', triggeredBy: 'test.connector', message: 'too small', data: Buffer.alloc(0) };
        }
        return receiver.handlePrepare({ ...prepare, amount: (prepare.amount * 925n) / 1000n });
      },
    });
    expect(Number(probe.exchangeRate.numerator) / Number(probe.exchangeRate.denominator)).toBeCloseTo(0.925, 4);
    expect(prepares).toBe(5);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
