// A client STREAM connection that sends money and data and receives data (RFC 0029 §3–4).
//
// Data written to a stream leaves as StreamData frames at increasing offsets, in zero-amount packets (and on the
// money packets of a payment running at the same time), within the peer's StreamMaxData / ConnectionMaxData, and
// counts as delivered when an authentic reply acknowledges its packet. Data comes back in the peer's replies (all a
// stateless receiver can do) and, when we give an address and route Prepares for it to handlePrepare, in the peer's
// own Prepares (how ilp-protocol-stream servers send). close() sends StreamClose + ConnectionClose(NoError).
import { MAX_UINT64 } from '@sluice/ilp';
import { StreamConnectionError, StreamPaymentError } from '../errors';
import { FrameType, StreamErrorCode, type ConnectionCloseFrame, type Frame, type StreamCloseFrame } from '../frames';
import { IlpErrorCode, isValidIlpAddress, type IlpPrepare, type IlpReply } from '../ilp';
import { DEFAULT_MAX_STREAM_ID, DEFAULT_STREAM_DATA_LIMIT } from '../limits';
import type { AssetDetails } from '../token';
import { closeFrames, sendClosePacket } from './close';
import { CongestionController, type CongestionOptions } from './congestion';
import type { PacketContents } from './data-packet';
import { IncomingStreams, type StreamEnd } from './incoming-streams';
import { Outbox } from './outbox';
import type { DataChunk } from './outgoing-stream';
import { StreamClient, type SendPrepare, type StreamOutcome } from './packet';
import { runPayment, type PacketAttachment, type PaymentOptions, type PaymentProgress } from './payment';
import { answerPeerPrepare } from './peer-prepare';
import { STREAM_ID } from './state';

/** RFC 0029 §5.1.3: at most 2^31 packets per shared secret. */
const ENCRYPTION_LIMIT = 2n ** 31n;
/** Default bytes we accept beyond what our listeners took, per stream and on the whole connection. */
const DEFAULT_RECEIVE_WINDOW = 256 * 1024;
/** Room left in a money packet for its StreamMoney frame. */
const MONEY_FRAME_RESERVE = 32;

export interface StreamConnectionOptions {
  /** The receiver's ILP address from its credentials (SPSP / Open Payments). */
  destinationAddress: string;
  /** The 32-byte STREAM shared secret from the same credentials. */
  sharedSecret: Buffer;
  /** The only outgoing I/O: send one Prepare and resolve with its reply (by its expiry at the latest). */
  sendPrepare: SendPrepare;
  /**
   * Our ILP address, announced with ConnectionNewAddress. Give it, and hand the Prepares addressed to it to
   * handlePrepare, to let the peer send us packets (ilp-protocol-stream servers send data only that way).
   * Default "": the peer can answer only in replies.
   */
  sourceAddress?: string;
  /** Prepare lifetime (default 30 s). */
  expiryMs?: number;
  /** Temporary failures in a row (or blocked notices that opened nothing) before giving up (default 50). */
  maxConsecutiveFailures?: number;
  /** Window and backoff of data packets, and the default for payments. */
  congestion?: CongestionOptions;
  /** Bytes the peer may send beyond what our onData listeners took, per stream and in total (default 256 KiB). */
  receiveWindow?: number;
}

export interface ConnectionPaymentOptions extends PaymentOptions {
  /** Stream the money goes on (default 1). */
  streamId?: bigint;
}

/** How the connection ended. */
export interface ConnectionEnd {
  by: 'local' | 'peer';
  errorCode: number;
  errorMessage: string;
}

export function openStreamConnection(options: StreamConnectionOptions): StreamConnection {
  return new StreamConnection(options);
}

export class StreamConnection {
  /** Resolves once the connection is over: closed by us or by the peer, or failed. Never rejects. */
  readonly closed: Promise<ConnectionEnd>;

  private readonly client: StreamClient;
  private readonly sourceAddress: string;
  private readonly incoming: IncomingStreams;
  private readonly outbox = new Outbox();
  private readonly peerStreamCloses = new Map<bigint, StreamCloseFrame>();
  private readonly pendingWrites = new Set<Promise<void>>();
  private readonly congestion: CongestionController;
  private readonly maxFailures: number;
  private addressAcknowledged = false;
  private asset?: AssetDetails;
  private peerClose?: ConnectionCloseFrame;
  private failure?: StreamConnectionError;
  private state: 'open' | 'closing' | 'closed' = 'open';
  /** Set once our ConnectionClose is on its way: a ConnectionClose from the peer is then its acknowledgement. */
  private closeSent = false;
  private closing?: Promise<void>;
  private payment?: Promise<unknown>;
  private pumping = false;
  private consecutiveFailures = 0;
  private blockedNotices = 0;
  private pausedUntil = 0;
  private resolveClosed!: (end: ConnectionEnd) => void;

  constructor(options: StreamConnectionOptions) {
    const invalid = (message: string) => new StreamConnectionError('INVALID_OPTIONS', message);
    if (!isValidIlpAddress(options.destinationAddress)) throw invalid('invalid destination address');
    if (options.sharedSecret.length !== 32) throw invalid('shared secret must be 32 bytes');
    this.sourceAddress = options.sourceAddress ?? '';
    if (this.sourceAddress && !isValidIlpAddress(this.sourceAddress)) throw invalid('invalid source address');
    const window = options.receiveWindow ?? DEFAULT_RECEIVE_WINDOW;
    if (!Number.isSafeInteger(window) || BigInt(window) < DEFAULT_STREAM_DATA_LIMIT) {
      throw invalid(`receiveWindow must be an integer of at least ${DEFAULT_STREAM_DATA_LIMIT} bytes`);
    }
    this.incoming = new IncomingStreams(BigInt(window));
    this.client = new StreamClient(
      options.destinationAddress,
      options.sharedSecret,
      options.sendPrepare,
      options.expiryMs ?? 30_000,
      (reply) => this.onReply(reply.frames),
    );
    this.congestion = new CongestionController(options.congestion);
    this.maxFailures = options.maxConsecutiveFailures ?? 50;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** The receiver's asset, once it told us (in reply to our address). */
  get destinationAsset(): AssetDetails | undefined {
    return this.asset;
  }

  /** The peer's ConnectionClose, if it closed the connection. */
  get closedBy(): { errorCode: number; errorMessage: string } | undefined {
    return this.peerClose && { errorCode: this.peerClose.errorCode, errorMessage: this.peerClose.errorMessage };
  }

  /**
   * Sends bytes on a stream (ours are odd: 1, 3, …; an even one only once the peer opened it). Resolves when the peer
   * acknowledged all of them; rejects with StreamConnectionError if they cannot all be delivered.
   */
  sendData(streamId: bigint, data: Buffer): Promise<void> {
    const error = this.unusable() ?? this.checkStream(streamId);
    if (error) return Promise.reject(error);
    const written = this.openStream(streamId).write(data);
    const tracked = written.then(
      () => undefined,
      () => undefined,
    );
    this.pendingWrites.add(tracked);
    void tracked.then(() => this.pendingWrites.delete(tracked));
    this.pump();
    return written;
  }

  /**
   * Calls `listener` with the stream's bytes in order, exactly once each, however the packets carrying them were
   * ordered or repeated. Bytes that arrived before the first listener are handed to it at once. Returns a function
   * that removes the listener.
   */
  onData(streamId: bigint, listener: (data: Buffer) => void): () => void {
    if (streamId < 1n || streamId > MAX_UINT64)
      throw new StreamConnectionError('INVALID_STREAM_ID', 'invalid stream id');
    if (streamId % 2n === 1n) this.incoming.open(streamId); // ours: advertise limits so the peer may answer on it
    return this.incoming.listen(streamId, listener);
  }

  /** Calls `listener` once the stream's incoming data is over: the peer closed it or the connection ended. */
  onStreamEnd(streamId: bigint, listener: (end: StreamEnd) => void): () => void {
    return this.incoming.onEnd(streamId, listener);
  }

  /**
   * Sends money on a stream (default 1), with this connection's queued data riding on the money packets. Same options,
   * result and StreamPaymentError as sendPayment; one payment at a time.
   */
  async pay(options: ConnectionPaymentOptions): Promise<PaymentProgress> {
    const error = this.unusable();
    if (error) throw error;
    if (this.payment)
      throw new StreamPaymentError('INVALID_OPTIONS', 'a payment is already running on this connection');
    const streamId = options.streamId ?? STREAM_ID;
    const streamError = this.checkStream(streamId);
    if (streamError) throw streamError;
    this.openStream(streamId);
    const run = runPayment(options, {
      client: this.client,
      streamId,
      sourceAddress: this.sourceAddress,
      attach: () => this.attachment(),
      closedByPeer: () => this.peerClose ?? this.peerStreamCloses.get(streamId),
    });
    this.payment = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.payment = undefined;
    }
  }

  /**
   * Sends one zero-amount packet (with any data that is ready) so the peer can answer: a stateless receiver can only
   * send data in replies. Rejects with NO_REPLY when no authentic reply came back.
   */
  async ping(): Promise<void> {
    const error = this.unusable();
    if (error) throw error;
    const outcome = await this.sendZeroAmount(this.nextPacket());
    if (outcome.kind !== 'fulfill' && !(outcome.kind === 'reject' && outcome.reply)) {
      throw new StreamConnectionError('NO_REPLY', 'the ping got no STREAM reply');
    }
  }

  /** Answers a Prepare the peer sent to our sourceAddress (route them here). */
  async handlePrepare(prepare: IlpPrepare): Promise<IlpReply> {
    const reply = answerPeerPrepare(prepare, {
      sourceAddress: this.sourceAddress,
      packetKey: this.client.packetKey,
      fulfillmentKey: this.client.fulfillmentKey,
      closeCode: () => (this.state === 'closed' ? StreamErrorCode.NoError : undefined),
      applyFrames: (frames, acceptData) => {
        this.addressAcknowledged = true; // the peer sends to our address, so it knows it
        const violation = this.applyPeerFrames(frames, acceptData);
        // The reply carries our ConnectionClose; no close packet of our own is needed.
        if (violation !== undefined) this.fail(violationError(violation));
        return violation;
      },
      advertisements: () => this.incoming.advertisements(),
    });
    return reply;
  }

  /**
   * Ends the connection: waits for queued data and a running payment, then sends StreamClose for every open stream
   * and ConnectionClose(NoError) in a last zero-amount packet (best effort: it is not retried beyond a few temporary
   * failures). Idempotent; resolves when done, without throwing.
   */
  close(): Promise<void> {
    this.closing ??= this.runClose();
    return this.closing;
  }

  private async runClose(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    // Close ends the connection; it does not cut short what was already asked of it.
    await this.payment;
    await Promise.all([...this.pendingWrites]);
    if (this.isOver()) return;
    this.closeSent = true;
    await sendClosePacket(this.client, closeFrames(this.openStreamIds()), () => this.congestion.nextBackoff());
    this.finish({ by: 'local', errorCode: StreamErrorCode.NoError, errorMessage: '' });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Frames from the peer

  private onReply(frames: Frame[]): void {
    // Any authentic reply proves the peer has our address (it came with our first packets).
    this.addressAcknowledged = true;
    const violation = this.applyPeerFrames(frames, true);
    if (violation !== undefined) this.abort(violation);
  }

  /** Applies the peer's frames: data first, then limits, then closes. Returns a close code for a violation. */
  private applyPeerFrames(frames: Frame[], acceptData: boolean): number | undefined {
    if (this.state === 'closed') return undefined;
    if (acceptData) {
      for (const frame of frames) {
        if (frame.type !== FrameType.StreamData || this.peerStreamCloses.has(frame.streamId)) continue;
        const refused = this.refusedStream(frame.streamId);
        if (refused !== undefined) return refused;
        if (!this.incoming.withinLimits(frame)) return StreamErrorCode.FlowControlError;
        this.incoming.receive(frame);
      }
    }
    let limitsGrew = false;
    for (const frame of frames) {
      switch (frame.type) {
        case FrameType.ConnectionMaxData:
          limitsGrew = this.outbox.raiseConnectionLimit(frame.maxOffset) || limitsGrew;
          break;
        case FrameType.StreamMaxData:
          limitsGrew = this.outbox.raiseStreamLimit(frame.streamId, frame.maxOffset) || limitsGrew;
          break;
        case FrameType.ConnectionMaxStreamId:
          this.outbox.raiseMaxStreamId(frame.maxStreamId);
          break;
        case FrameType.ConnectionAssetDetails:
          this.asset ??= { code: frame.sourceAssetCode, scale: frame.sourceAssetScale };
          break;
        default:
          break;
      }
    }
    for (const frame of frames) {
      if (frame.type === FrameType.StreamClose) this.onPeerStreamClose(frame);
      else if (frame.type === FrameType.ConnectionClose) this.onPeerConnectionClose(frame);
    }
    if (limitsGrew) {
      this.blockedNotices = 0;
      this.pump();
    }
    return undefined;
  }

  /**
   * Why the peer may not send on a stream, as a close code: odd streams are ours, so only those we opened
   * (ProtocolViolation, RFC 0029 §4.4.1); it opens even ones up to the maximum stream id we allow (StreamIdError;
   * we never raise it from the default 20, so at most 10 peer streams).
   */
  private refusedStream(streamId: bigint): number | undefined {
    if (this.outbox.has(streamId) || this.incoming.has(streamId)) return undefined;
    if (streamId % 2n === 1n) return StreamErrorCode.ProtocolViolation;
    return streamId > DEFAULT_MAX_STREAM_ID ? StreamErrorCode.StreamIdError : undefined;
  }

  private onPeerStreamClose(frame: StreamCloseFrame): void {
    if (this.peerStreamCloses.has(frame.streamId)) return;
    this.peerStreamCloses.set(frame.streamId, frame);
    this.outbox.get(frame.streamId)?.fail(closedByPeerError(frame, `stream ${frame.streamId}`));
    this.incoming.end(frame.streamId, { by: 'peer', errorCode: frame.errorCode, errorMessage: frame.errorMessage });
  }

  private onPeerConnectionClose(frame: ConnectionCloseFrame): void {
    if (this.closeSent || this.peerClose) return; // the acknowledgement of our own close
    this.peerClose = frame;
    this.outbox.failAll(closedByPeerError(frame, 'connection'));
    this.finish({ by: 'peer', errorCode: frame.errorCode, errorMessage: frame.errorMessage });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sending data

  /** Keeps data packets going while there is data the peer's limits let through. */
  private pump(): void {
    if (this.pumping || this.isOver()) return;
    this.pumping = true;
    void this.runPump().finally(() => {
      this.pumping = false;
      if (!this.isOver() && (this.outbox.hasSendableData() || this.outbox.isBlocked())) this.pump();
    });
  }

  private async runPump(): Promise<void> {
    const inFlight = new Set<Promise<unknown>>();
    while (!this.isOver()) {
      if (this.client.packetsSent >= ENCRYPTION_LIMIT) {
        this.fail(new StreamConnectionError('ENCRYPTION_LIMIT', 'packet limit reached'));
        break;
      }
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) {
        await Promise.race([delay(wait), ...inFlight]);
        continue;
      }
      while (inFlight.size < this.congestion.window && this.outbox.hasSendableData()) {
        const contents = this.nextPacket();
        if (contents.chunks.length === 0) break;
        const sent: Promise<unknown> = this.sendZeroAmount(contents).finally(() => inFlight.delete(sent));
        inFlight.add(sent);
      }
      if (inFlight.size > 0) {
        await Promise.race(inFlight);
        continue;
      }
      if (!this.outbox.isBlocked()) break;
      await this.sendBlockedNotice();
    }
    await Promise.all(inFlight);
  }

  /** Everything queued waits for the peer's flow control: tell it (StreamDataBlocked), and give up if it never opens. */
  private async sendBlockedNotice(): Promise<void> {
    await this.sendZeroAmount(this.nextPacket());
    if (this.outbox.hasSendableData() || !this.outbox.isBlocked() || this.isOver()) return;
    if (++this.blockedNotices > this.maxFailures) {
      this.outbox.failBlocked(
        new StreamConnectionError('DATA_BLOCKED', "the peer's flow control does not let the data through"),
      );
      return;
    }
    this.pausedUntil = Date.now() + this.congestion.nextBackoff();
  }

  private async sendZeroAmount(contents: PacketContents): Promise<StreamOutcome> {
    const outcome = await this.client.send({
      sourceAmount: 0n,
      minDestinationAmount: 0n,
      frames: contents.frames,
      fulfillable: true,
    });
    this.settleChunks(contents.chunks, outcome, true);
    this.judge(outcome);
    return outcome;
  }

  /** Data for a money packet of the running payment. */
  private attachment(): PacketAttachment | undefined {
    if (this.isOver() || !this.outbox.hasSendableData()) return undefined;
    const contents = this.nextPacket(MONEY_FRAME_RESERVE);
    if (contents.chunks.length === 0) return undefined;
    return { frames: contents.frames, settle: (outcome) => this.settleChunks(contents.chunks, outcome, false) };
  }

  /**
   * A Fulfill acknowledges every frame of its Prepare. An authentic F99 also does for a zero-amount packet: nothing
   * but the data could be refused there, and receivers that close say so in the same reply. A money packet's F99
   * refuses the money, so its data is sent again like after any other reject.
   */
  private settleChunks(chunks: DataChunk[], outcome: StreamOutcome, zeroAmount: boolean): void {
    const acknowledged =
      outcome.kind === 'fulfill' ||
      (zeroAmount &&
        outcome.kind === 'reject' &&
        outcome.reply !== undefined &&
        outcome.reject.code === IlpErrorCode.F99_APPLICATION_ERROR);
    for (const chunk of chunks) {
      if (acknowledged) chunk.stream.acknowledge(chunk);
      else chunk.stream.retry(chunk);
    }
    if (!acknowledged && chunks.length > 0) this.pump();
  }

  /** Congestion and failure accounting of a data packet. */
  private judge(outcome: StreamOutcome): void {
    switch (outcome.kind) {
      case 'fulfill':
        this.consecutiveFailures = 0;
        this.congestion.onFulfill(0n);
        return;
      case 'reject': {
        const { reject, reply } = outcome;
        if (reply && reject.code === IlpErrorCode.F99_APPLICATION_ERROR) {
          this.consecutiveFailures = 0;
        } else if (reject.code.startsWith('T')) {
          this.temporaryFailure();
        } else {
          this.fail(
            new StreamConnectionError('CONNECTOR_ERROR', `data packet rejected with ${reject.code}`, undefined, reject),
          );
        }
        return;
      }
      case 'invalid-fulfillment':
        this.abort(
          StreamErrorCode.ProtocolViolation,
          new StreamConnectionError('PEER_PROTOCOL_VIOLATION', 'the fulfillment does not match the condition'),
        );
        return;
      case 'link-error':
        this.temporaryFailure();
        return;
    }
  }

  private temporaryFailure(): void {
    if (++this.consecutiveFailures > this.maxFailures) {
      this.fail(
        new StreamConnectionError('TOO_MANY_FAILURES', `${this.consecutiveFailures} temporary failures in a row`),
      );
      return;
    }
    this.pausedUntil = Date.now() + this.congestion.nextBackoff();
  }

  /** Our control frames (address until acknowledged, our data limits), then queued data, then blocked notices. */
  private nextPacket(reserve = 0): PacketContents {
    const control: Frame[] = [];
    if (!this.addressAcknowledged)
      control.push({ type: FrameType.ConnectionNewAddress, sourceAccount: this.sourceAddress });
    control.push(...this.incoming.advertisements());
    return this.outbox.fill(control, reserve);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Streams and the connection's life

  /** The stream's outgoing record; our (odd) streams are opened for incoming data too, so the peer may answer. */
  private openStream(streamId: bigint) {
    if (streamId % 2n === 1n) this.incoming.open(streamId);
    return this.outbox.stream(streamId);
  }

  /** Why a stream id cannot be used to send, if it cannot. */
  private checkStream(streamId: bigint): StreamConnectionError | undefined {
    if (streamId < 1n || streamId > MAX_UINT64)
      return new StreamConnectionError('INVALID_STREAM_ID', 'invalid stream id');
    const close = this.peerStreamCloses.get(streamId);
    if (close) return closedByPeerError(close, `stream ${streamId}`);
    if (this.outbox.has(streamId) || this.incoming.has(streamId)) return undefined;
    if (streamId % 2n === 0n) {
      return new StreamConnectionError('INVALID_STREAM_ID', `stream ${streamId} is the peer's to open (even)`);
    }
    if (streamId > this.outbox.maxStreamId) {
      return new StreamConnectionError(
        'INVALID_STREAM_ID',
        `the peer accepts stream ids up to ${this.outbox.maxStreamId}`,
      );
    }
    return undefined;
  }

  /** Streams to close at the end: every one opened by either side that the peer has not closed. */
  private openStreamIds(): bigint[] {
    const ids = new Set([...this.outbox.ids(), ...this.incoming.ids]);
    return [...ids].filter((id) => !this.peerStreamCloses.has(id)).sort((a, b) => (a < b ? -1 : 1));
  }

  /** The error for a new operation, if the connection cannot take one. */
  private unusable(): StreamConnectionError | undefined {
    if (this.failure) return this.failure;
    if (this.peerClose) return closedByPeerError(this.peerClose, 'connection');
    if (this.state !== 'open') return new StreamConnectionError('CONNECTION_CLOSED', 'the connection is closed');
    return undefined;
  }

  private isOver(): boolean {
    return this.state === 'closed';
  }

  /** The connection cannot go on: every pending write fails with `error`. */
  private fail(error: StreamConnectionError): void {
    if (this.isOver()) return;
    this.failure = error;
    this.outbox.failAll(error);
    this.finish({ by: 'local', errorCode: StreamErrorCode.InternalError, errorMessage: error.message });
  }

  /** The peer broke the protocol: fail, and tell it why (best effort). */
  private abort(code: number, error?: StreamConnectionError): void {
    if (this.isOver()) return;
    this.fail(
      error ?? new StreamConnectionError('PEER_PROTOCOL_VIOLATION', `the peer broke the protocol (code ${code})`),
    );
    this.closeSent = true;
    const frames: Frame[] = [{ type: FrameType.ConnectionClose, errorCode: code, errorMessage: '' }];
    void sendClosePacket(this.client, frames, () => this.congestion.nextBackoff());
  }

  private finish(end: ConnectionEnd): void {
    if (this.isOver()) return;
    this.state = 'closed';
    this.incoming.endAll(end);
    this.resolveClosed(end);
  }
}

/** The error pending and new operations fail with once the peer closed the connection or the stream. */
function closedByPeerError(close: { errorCode: number; errorMessage: string }, what: string): StreamConnectionError {
  const reason = close.errorMessage ? `: ${close.errorMessage}` : '';
  return new StreamConnectionError('CLOSED_BY_PEER', `the peer closed the ${what} (code ${close.errorCode}${reason})`, {
    errorCode: close.errorCode,
    errorMessage: close.errorMessage,
  });
}

function violationError(code: number): StreamConnectionError {
  return new StreamConnectionError('PEER_PROTOCOL_VIOLATION', `the peer broke the protocol (close code ${code})`);
}

/** A pause that does not keep the process alive. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
