// Answers the Prepares a connection's peer sends to our address (RFC 0029 §4.3.1: a client that announces its
// address with ConnectionNewAddress can be sent packets; ilp-protocol-stream servers send data no other way).
// The checks are the receiver's (PROTOCOLS.md §4.6), but a sending connection takes no money: it answers rate probes
// so the peer can measure its rate, fulfills zero-amount packets (data, closes) and refuses money with StreamMaxMoney 0.
import { decodeStreamPacket, encodeStreamPacket } from '../codec';
import { conditionFor, decrypt, encrypt, fulfillmentFor } from '../crypto';
import { FrameType, IlpPacketType, type Frame, type StreamPacket } from '../frames';
import { IlpErrorCode, type IlpPrepare, type IlpReject, type IlpReply } from '../ilp';

export interface PeerPrepareContext {
  /** Our address; Prepares for it or below it are ours. */
  sourceAddress: string;
  packetKey: Buffer;
  fulfillmentKey: Buffer;
  /** Undefined while the connection is open; else the code of the ConnectionClose to answer with. */
  closeCode(): number | undefined;
  /** Takes the peer's frames (data only if `acceptData`); returns a close code if they break the protocol. */
  applyFrames(frames: Frame[], acceptData: boolean): number | undefined;
  /** Our current StreamMaxData / ConnectionMaxData frames. */
  advertisements(): Frame[];
}

export function answerPeerPrepare(prepare: IlpPrepare, context: PeerPrepareContext): IlpReply {
  const reject = (code: string, data: Buffer = Buffer.alloc(0)): IlpReject => ({
    code,
    triggeredBy: context.sourceAddress,
    message: '',
    data,
  });
  const { sourceAddress } = context;
  const destination = prepare.destination;
  if (!sourceAddress || (destination !== sourceAddress && !destination.startsWith(`${sourceAddress}.`))) {
    return reject(IlpErrorCode.F02_UNREACHABLE);
  }
  let request: StreamPacket;
  try {
    request = decodeStreamPacket(decrypt(context.packetKey, prepare.data));
  } catch {
    return reject(IlpErrorCode.F06_UNEXPECTED_PAYMENT);
  }
  if (request.ilpPacketType !== IlpPacketType.Prepare) return reject(IlpErrorCode.F06_UNEXPECTED_PAYMENT);

  const replyFrames: Frame[] = [];
  const seal = (type: number): Buffer =>
    encrypt(
      context.packetKey,
      encodeStreamPacket({
        sequence: request.sequence,
        ilpPacketType: type,
        prepareAmount: prepare.amount,
        frames: replyFrames,
      }),
    );
  const rejectWithReply = (): IlpReject => reject(IlpErrorCode.F99_APPLICATION_ERROR, seal(IlpPacketType.Reject));
  const closeWith = (code: number): IlpReject => {
    replyFrames.push({ type: FrameType.ConnectionClose, errorCode: code, errorMessage: '' });
    return rejectWithReply();
  };

  const closed = context.closeCode();
  if (closed !== undefined) return closeWith(closed);

  const fulfillment = fulfillmentFor(context.fulfillmentKey, prepare.data);
  const fulfillable =
    conditionFor(fulfillment).equals(prepare.executionCondition) && prepare.amount >= request.prepareAmount;
  // Data is taken only from packets we fulfill (a Reject tells the peer to send it again).
  const acceptData = fulfillable && prepare.amount === 0n;
  const violation = context.applyFrames(request.frames, acceptData);
  if (violation !== undefined) return closeWith(violation);
  replyFrames.push(...context.advertisements());
  if (acceptData) return { fulfillment, data: seal(IlpPacketType.Fulfill) };

  if (fulfillable) {
    // Money for us: this connection has nowhere to credit it.
    const streamIds = new Set(request.frames.flatMap((f) => (f.type === FrameType.StreamMoney ? [f.streamId] : [])));
    for (const streamId of streamIds) {
      replyFrames.push({ type: FrameType.StreamMaxMoney, streamId, receiveMax: 0n, totalReceived: 0n });
    }
  }
  // Unfulfillable: a rate probe, answered with the amount that arrived.
  return rejectWithReply();
}
