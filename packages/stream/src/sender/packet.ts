// One STREAM request/reply exchange over the injected ILP link: seal the STREAM packet, derive the condition, send,
// then authenticate the reply (right key, same sequence, STREAM type matching the ILP reply type).
import { decodeStreamPacket, encodeStreamPacket } from '../codec';
import {
  conditionFor,
  decrypt,
  encrypt,
  encryptionKey,
  fulfillmentFor,
  fulfillmentKey,
  randomCondition,
} from '../crypto';
import { IlpPacketType, type Frame, type StreamPacket } from '../frames';
import { isFulfill, type IlpFulfill, type IlpPrepare, type IlpReject, type IlpReply } from '../ilp';

/**
 * The only I/O: sends one Prepare and resolves with its reply. `unfulfillable` marks rate probes, whose condition
 * nobody can fulfil, so a local connector can forward them without holding any balance.
 */
export type SendPrepare = (prepare: IlpPrepare, options?: { unfulfillable?: boolean }) => Promise<IlpReply>;

export interface StreamRequest {
  sourceAmount: bigint;
  /** Minimum the receiver may accept (prepareAmount). */
  minDestinationAmount: bigint;
  frames: Frame[];
  /** Probes use a random condition so that no money can move. */
  fulfillable: boolean;
}

export type StreamOutcome =
  /** `reply` is undefined when the Fulfill carried no authentic STREAM packet. */
  | { kind: 'fulfill'; fulfill: IlpFulfill; reply?: StreamPacket }
  | { kind: 'reject'; reject: IlpReject; reply?: StreamPacket }
  /** A Fulfill whose preimage does not match: no money moved for us. */
  | { kind: 'invalid-fulfillment'; fulfill: IlpFulfill }
  /** sendPrepare threw: no reply, so no money moved for us. */
  | { kind: 'link-error'; error: unknown };

export class StreamClient {
  readonly packetKey: Buffer;
  readonly fulfillmentKey: Buffer;
  private sequence = 1n;

  constructor(
    private readonly destination: string,
    sharedSecret: Buffer,
    private readonly sendPrepare: SendPrepare,
    private readonly expiryMs: number,
    /** Sees every authentic reply (probes included) before its sender does: a connection reads peer frames here. */
    private readonly onReply?: (reply: StreamPacket) => void,
  ) {
    this.packetKey = encryptionKey(sharedSecret);
    this.fulfillmentKey = fulfillmentKey(sharedSecret);
  }

  /** Packets sent so far on this connection (the encryption limit counts them). */
  get packetsSent(): bigint {
    return this.sequence - 1n;
  }

  async send(request: StreamRequest): Promise<StreamOutcome> {
    const sequence = this.sequence++;
    const data = encrypt(
      this.packetKey,
      encodeStreamPacket({
        sequence,
        ilpPacketType: IlpPacketType.Prepare,
        prepareAmount: request.minDestinationAmount,
        frames: request.frames,
      }),
    );
    const executionCondition = request.fulfillable
      ? conditionFor(fulfillmentFor(this.fulfillmentKey, data))
      : randomCondition();
    let reply: IlpReply;
    try {
      reply = await this.sendPrepare(
        {
          destination: this.destination,
          amount: request.sourceAmount,
          expiresAt: new Date(Date.now() + this.expiryMs),
          executionCondition,
          data,
        },
        request.fulfillable ? undefined : { unfulfillable: true },
      );
    } catch (error) {
      return { kind: 'link-error', error };
    }
    if (isFulfill(reply)) {
      if (!conditionFor(reply.fulfillment).equals(executionCondition))
        return { kind: 'invalid-fulfillment', fulfill: reply };
      return { kind: 'fulfill', fulfill: reply, reply: this.open(reply.data, sequence, IlpPacketType.Fulfill) };
    }
    return { kind: 'reject', reject: reply, reply: this.open(reply.data, sequence, IlpPacketType.Reject) };
  }

  /** The reply's STREAM packet if it is authentic and answers this request; anything else is ignored. */
  private open(data: Buffer, sequence: bigint, type: number): StreamPacket | undefined {
    if (data.length === 0) return undefined;
    let packet: StreamPacket;
    try {
      packet = decodeStreamPacket(decrypt(this.packetKey, data));
    } catch {
      return undefined;
    }
    if (packet.sequence !== sequence || packet.ilpPacketType !== type) return undefined;
    this.onReply?.(packet);
    return packet;
  }
}
