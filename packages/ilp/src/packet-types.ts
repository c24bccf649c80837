// In-memory shapes of the three ILPv4 packets (RFC 0027). Buffers returned by the decoders are views into the
// decoded bytes, not copies.

export enum IlpPacketType {
  Prepare = 12,
  Fulfill = 13,
  Reject = 14,
}

export interface IlpPrepare {
  /** UInt64 in the units of the bilateral account the packet travels on. */
  amount: bigint;
  expiresAt: Date;
  /** SHA-256 of the fulfillment, 32 bytes. */
  executionCondition: Buffer;
  destination: string;
  data: Buffer;
}

export interface IlpFulfill {
  /** 32-byte preimage of the Prepare's executionCondition. */
  fulfillment: Buffer;
  data: Buffer;
}

export interface IlpReject {
  /** Three ASCII characters, normally one of IlpErrorCode. */
  code: string;
  /** ILP address of the node that created the reject, or empty. */
  triggeredBy: string;
  message: string;
  data: Buffer;
}

export type IlpReply = IlpFulfill | IlpReject;

export function isFulfill(reply: IlpReply): reply is IlpFulfill {
  return (reply as IlpFulfill).fulfillment !== undefined;
}

export function isReject(reply: IlpReply): reply is IlpReject {
  return (reply as IlpReject).code !== undefined;
}
