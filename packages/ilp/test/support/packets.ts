// Small fixtures shared by the unit tests.
import type { IlpFulfill, IlpPrepare, IlpReject } from '@sluice/ilp';

export const PREPARE: IlpPrepare = {
  amount: 107n,
  expiresAt: new Date('2017-12-23T01:21:40.549Z'),
  executionCondition: Buffer.from('dOETbcccnl8oO+yDRhy/EmHEAU9y1I+N1lRToLhOfeE=', 'base64'),
  destination: 'example.alice',
  data: Buffer.from('XbND/cQYmPbfQgIykTncJC3Q9VioEbRrKJGP2rN8bLA=', 'base64'),
};

export const FULFILL: IlpFulfill = { fulfillment: Buffer.alloc(32, 0xab), data: Buffer.from('thank you') };

export const REJECT: IlpReject = {
  code: 'F02',
  triggeredBy: 'test.connector',
  message: 'no route',
  data: Buffer.from([1, 2, 3]),
};

/** The bytes with the envelope's body replaced (single-byte length prefix; body under 128 bytes). */
export function withBody(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), lengthPrefix(body.length), body]);
}

export function lengthPrefix(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** The Prepare body with the destination field replaced by `destination` bytes. */
export function prepareWithDestination(destination: Buffer): Buffer {
  const head = Buffer.alloc(57);
  head.writeBigUInt64BE(PREPARE.amount, 0);
  head.write('20171223012140549', 8, 'latin1');
  PREPARE.executionCondition.copy(head, 25);
  return withBody(12, Buffer.concat([head, lengthPrefix(destination.length), destination, Buffer.from([0])]));
}

export function rejectWithFields(code: Buffer, triggeredBy: Buffer): Buffer {
  return withBody(14, Buffer.concat([code, lengthPrefix(triggeredBy.length), triggeredBy, Buffer.from([0, 0])]));
}
