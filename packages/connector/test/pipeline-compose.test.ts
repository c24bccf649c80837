import { IlpError, IlpErrorCode, type IlpReply } from '@sluice/ilp';
import { composePipeline, createRejectFactory } from '../src/pipeline/compose';
import type { PacketMiddleware } from '../src/pipeline/packet-context';
import { silentLogger } from './support/logger';
import { OWN_ADDRESS, contextFor, fulfillStub } from './support/pipeline';
import { expectReject } from './support/packets';

const toReject = createRejectFactory(OWN_ADDRESS, silentLogger);

test('runs middlewares in order, each seeing the reply from below', async () => {
  const order: string[] = [];
  const seen: IlpReply[] = [];
  const step =
    (name: string): PacketMiddleware =>
    async (_ctx, next) => {
      order.push(name);
      const reply = await next();
      seen.push(reply);
      return reply;
    };
  const pipeline = composePipeline([step('a'), step('b'), async () => fulfillStub()], toReject);
  await pipeline(contextFor());
  expect(order).toEqual(['a', 'b']);
  expect(seen).toHaveLength(2);
});

test('an IlpError thrown below reaches the steps above as a Reject triggered by us', async () => {
  let seenByAbove: IlpReply | undefined;
  const pipeline = composePipeline(
    [
      async (_ctx, next) => (seenByAbove = await next()),
      async () => {
        throw new IlpError(IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY, 'short', Buffer.from('d'));
      },
    ],
    toReject,
  );
  const reply = expectReject(await pipeline(contextFor()), 'T04');
  expect(reply).toEqual({ code: 'T04', triggeredBy: OWN_ADDRESS, message: 'short', data: Buffer.from('d') });
  expect(seenByAbove).toEqual(reply);
});

test('an unexpected exception becomes T00 without leaking its message', async () => {
  const pipeline = composePipeline(
    [
      async () => {
        throw new Error('secret database password in here');
      },
    ],
    toReject,
  );
  const reply = expectReject(await pipeline(contextFor()), 'T00');
  expect(reply.message).toBe('internal error');
});

test('running off the end of the pipeline is T00, not a hang', async () => {
  const pipeline = composePipeline([async (_ctx, next) => next()], toReject);
  expectReject(await pipeline(contextFor()), 'T00');
});
