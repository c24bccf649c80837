// Builds Prepares the way a STREAM sender would, and opens the receiver's encrypted replies.
import {
  conditionFor,
  decodeStreamPacket,
  decrypt,
  encodeStreamPacket,
  encrypt,
  encryptionKey,
  fulfillmentFor,
  fulfillmentKey,
  IlpPacketType,
  randomCondition,
  type Frame,
  type IlpPrepare,
  type IlpReply,
  type StreamCredentials,
  type StreamPacket,
} from '../../src';

export interface PrepareOptions {
  amount?: bigint;
  minimum?: bigint;
  sequence?: bigint;
  frames?: Frame[];
  fulfillable?: boolean;
  ilpPacketType?: number;
  destination?: string;
}

export function makePrepare(credentials: StreamCredentials, options: PrepareOptions = {}): IlpPrepare {
  const data = encrypt(
    encryptionKey(credentials.sharedSecret),
    encodeStreamPacket({
      sequence: options.sequence ?? 1n,
      ilpPacketType: options.ilpPacketType ?? IlpPacketType.Prepare,
      prepareAmount: options.minimum ?? 0n,
      frames: options.frames ?? [],
    }),
  );
  const fulfillment = fulfillmentFor(fulfillmentKey(credentials.sharedSecret), data);
  return {
    amount: options.amount ?? 0n,
    expiresAt: new Date(Date.now() + 30_000),
    executionCondition: options.fulfillable === false ? randomCondition() : conditionFor(fulfillment),
    destination: options.destination ?? credentials.ilpAddress,
    data,
  };
}

export function openReply(credentials: StreamCredentials, reply: IlpReply): StreamPacket {
  return decodeStreamPacket(decrypt(encryptionKey(credentials.sharedSecret), reply.data));
}
