// Prepares and replies for tests: a condition is derived from a fulfillment the test keeps.
import { createHash, randomBytes } from 'node:crypto';
import type { IlpFulfill, IlpPrepare, IlpReply } from '@sluice/ilp';
import { isFulfill, isReject } from '@sluice/ilp';

export function conditionOf(fulfillment: Buffer): Buffer {
  return createHash('sha256').update(fulfillment).digest();
}

export interface TestPacket {
  prepare: IlpPrepare;
  fulfillment: Buffer;
}

export function makePrepare(options: {
  amount: bigint;
  destination: string;
  expiresInMs?: number;
  fulfillment?: Buffer;
  data?: Buffer;
}): TestPacket {
  const fulfillment = options.fulfillment ?? randomBytes(32);
  return {
    fulfillment,
    prepare: {
      amount: options.amount,
      destination: options.destination,
      expiresAt: new Date(Date.now() + (options.expiresInMs ?? 10_000)),
      executionCondition: conditionOf(fulfillment),
      data: options.data ?? Buffer.from('end-to-end data'),
    },
  };
}

/** A local receiver that fulfills any Prepare whose condition it knows the preimage of (and rejects the rest F99). */
export function createFulfillingReceiver() {
  const preimages = new Map<string, Buffer>();
  const received: IlpPrepare[] = [];
  return {
    received,
    expect(fulfillment: Buffer) {
      preimages.set(conditionOf(fulfillment).toString('hex'), fulfillment);
    },
    handler: async (prepare: IlpPrepare): Promise<IlpReply> => {
      received.push(prepare);
      const fulfillment = preimages.get(prepare.executionCondition.toString('hex'));
      if (!fulfillment) {
        return { code: 'F99', triggeredBy: '', message: 'unknown condition', data: Buffer.alloc(0) };
      }
      const reply: IlpFulfill = { fulfillment, data: Buffer.from('receipt') };
      return reply;
    },
  };
}

export function expectFulfill(reply: IlpReply): IlpFulfill {
  if (!isFulfill(reply))
    throw new Error(`expected a Fulfill, got Reject ${reply.code} ${reply.message} from ${reply.triggeredBy}`);
  return reply;
}

export function expectReject(reply: IlpReply, code: string) {
  if (!isReject(reply)) throw new Error(`expected Reject ${code}, got a Fulfill`);
  if (reply.code !== code) {
    throw new Error(`expected Reject ${code}, got ${reply.code} "${reply.message}" from ${reply.triggeredBy}`);
  }
  return reply;
}
