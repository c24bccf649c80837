// Stateless STREAM receiver (RFC 0029, PROTOCOLS.md §4.6 and §4.9).
//
// Everything about a connection travels in its ILP address (an encrypted token), so any process that knows the server
// secret can answer any packet without shared state. Money accounting, limits and receipts' cumulative totals belong
// to the application, which it provides through hooks; this module only decides how to answer each Prepare.
import { createHash } from 'node:crypto';
import { MAX_UINT64 } from '@sluice/ilp';
import { decodeStreamPacket, encodeStreamPacket } from './codec';
import { conditionFor, decrypt, encrypt, encryptionKey, fulfillmentFor, fulfillmentKey } from './crypto';
import {
  FrameType,
  IlpPacketType,
  StreamErrorCode,
  type ConnectionCloseFrame,
  type Frame,
  type StreamCloseFrame,
  type StreamDataFrame,
  type StreamMoneyFrame,
  type StreamPacket,
} from './frames';
import { IlpErrorCode, isValidIlpAddress, type IlpPrepare, type IlpReject, type IlpReply } from './ilp';
import { DEFAULT_STREAM_DATA_LIMIT, MAX_STREAM_PLAINTEXT } from './limits';
import { createReceipt } from './receipt';
import {
  decodeConnectionToken,
  encodeConnectionToken,
  fromBase64,
  toBase64Url,
  TokenKeys,
  type AssetDetails,
  type ConnectionDetails,
} from './token';

/** stream-receiver issues every receipt on stream 1 (the first client stream); so do we, so totals stay per nonce. */
const RECEIPT_STREAM_ID = 1n;

/** Connections whose derived keys are kept (oldest evicted first). */
const KEY_CACHE_SIZE = 4096;

/** Default bytes a sender may send on each stream (see StreamReceiverOptions.maxStreamData). */
const DEFAULT_MAX_STREAM_DATA = 1n << 20n;

type Awaitable<T> = T | Promise<T>;

interface ConnectionKeys {
  details: ConnectionDetails;
  packetKey: Buffer;
  fulfillmentKey: Buffer;
  connectionId: string;
}

export interface StreamReceiverOptions {
  /** 32 random bytes; every process answering for `serverAddress` needs the same one. */
  serverSecret: Buffer;
  /** The ILP address packets for this receiver are routed to; connection addresses are `serverAddress.<token>`. */
  serverAddress: string;
  /**
   * Bytes a sender may send on each stream (highest offset), advertised in StreamMaxData whenever a packet carries
   * data; a frame beyond it closes the connection with FlowControlError. A fixed limit because a stateless receiver
   * cannot slide a window; the application gets every byte at once, so it only bounds what the application may have
   * to hold. Default 1 MiB; at least 16 384 (what senders send before they hear any limit).
   */
  maxStreamData?: bigint;
}

export interface StreamCredentials {
  /** Destination address for the sender (`serverAddress.<base64url token>`). */
  ilpAddress: string;
  /** 32-byte STREAM shared secret for the sender. */
  sharedSecret: Buffer;
}

/** What the receiver knows about the connection a Prepare belongs to. */
export interface IncomingConnection {
  /** Hex SHA-256 of the destination address (stream-receiver's connection id): stable for one set of credentials. */
  connectionId: string;
  connectionTag?: string;
  asset?: AssetDetails;
  /** Whether the credentials asked for receipts (then `onMoney` should return `totalReceived`). */
  receipts: boolean;
}

/** What a packet that is about to be fulfilled carries besides money. */
export interface IncomingData extends IncomingConnection {
  /** STREAM sequence of the packet (unique per sender per connection; usable as an idempotency key with connectionId). */
  sequence: bigint;
  /**
   * StreamData frames carried by the packet, as sent: packets arrive in any order and senders resend rejected data,
   * so put them in order with a StreamDataAssembler.
   */
  dataFrames: StreamDataFrame[];
  /** Streams the sender closed with this packet (it sends no more on them). */
  streamCloses: StreamCloseFrame[];
  /** Set when the packet also closes the connection; the reply acknowledges it with ConnectionClose(NoError). */
  connectionClose?: ConnectionCloseFrame;
  /** Every frame of the packet (e.g. the sender's StreamMaxData, which bounds the data a reply may carry). */
  frames: Frame[];
}

export interface IncomingMoney extends IncomingData {
  /** Amount of this Prepare, in the receiver's units: what will be credited if the hook returns normally. */
  amount: bigint;
  prepare: IlpPrepare;
}

/** A sender closed the connection (RFC 0029 §4.6); the application may drop what it kept for it. */
export interface IncomingClose extends IncomingConnection {
  sequence: bigint;
  errorCode: number;
  errorMessage: string;
}

/** Bytes an application sends back in the reply; it tracks its own offsets per (connectionId, streamId). */
export interface ReplyData {
  streamId: bigint;
  offset: bigint;
  data: Buffer;
}

/** What a hook may return to put data in the Fulfill. */
export interface HookReply {
  /**
   * StreamData for the sender. Replies are not acknowledged, so a lost reply loses its data; a sender that resends
   * a packet gets the hook called again and the application may resend the same bytes at the same offsets. Frames
   * that do not fit in the reply (32 KB ILP data, all frames included) are left out.
   */
  replyData?: ReplyData[];
}

/** Remaining amount the connection may still receive, optionally with what it has received so far. */
export interface ReceiveLimit {
  remaining: bigint;
  totalReceived?: bigint;
}

export interface ReceiverHooks {
  /**
   * How much more this connection may receive (receiver units), or undefined for no limit. A packet above it is
   * rejected F99 with StreamMaxMoney frames so the sender learns the limit. Advisory: two packets in flight can both
   * pass it, so `onMoney` must enforce the limit atomically where money is credited.
   */
  remainingAmount?(connection: IncomingConnection): Awaitable<bigint | ReceiveLimit | undefined>;
  // An application that enforces its limit where it credits may leave remainingAmount out and throw ReceiveLimitError
  // from onMoney instead: the sender gets the same answer, and a packet that fits costs no separate read.
  /**
   * Called exactly once for every packet with a non-zero amount that the receiver is about to fulfill, after every
   * STREAM check passed. Credit the money here. Throwing or rejecting makes the receiver reject the packet instead
   * (F99 with a ConnectionClose frame, or as a ReceiverDeclineError says). Return `totalReceived` (cumulative for the
   * connection, including this packet) to have a receipt signed when the credentials asked for receipts.
   */
  onMoney?(money: IncomingMoney): Awaitable<void | (HookReply & { totalReceived?: bigint })>;
  /**
   * Called for every zero-amount packet that is about to be fulfilled (data, stream or connection closes, and the
   * empty "ping" packets a sender uses to collect reply data); throwing rejects as above.
   */
  onData?(data: IncomingData): Awaitable<void | HookReply>;
  /**
   * Called after answering any authentic packet that carries ConnectionClose, fulfilled or not (ilp-protocol-stream
   * and @interledger/pay send theirs unfulfillable, so no other hook sees them): e.g. to forget the connection's
   * StreamDataAssembler state. A notification only: errors are ignored.
   */
  onConnectionClose?(close: IncomingClose): Awaitable<void>;
}

/** Thrown from a hook to choose how the packet is declined. Any other error declines with F99 + ConnectionClose. */
/** Thrown by onMoney: the packet is above what the connection may still receive. Answered like remainingAmount's limit. */
export class ReceiveLimitError extends Error {
  readonly code = 'RECEIVE_LIMIT';

  constructor(readonly limit: ReceiveLimit) {
    super(`the packet exceeds what may still be received (${limit.remaining})`);
    this.name = 'ReceiveLimitError';
  }
}

export class ReceiverDeclineError extends Error {
  readonly code = 'RECEIVER_DECLINED';
  /** Temporary: a T or R reject (T00 unless `rejectCode` says) so the sender backs off and retries. Otherwise F99 with a ConnectionClose frame. */
  readonly temporary: boolean;
  /** Close error code for a final decline (default NoError: "payment is done, stop sending"). */
  readonly closeCode: number;
  /** The reject code of a temporary decline, e.g. T04 when the money could not be taken now. */
  readonly rejectCode: string;

  constructor(message: string, options: { temporary?: boolean; closeCode?: number; rejectCode?: string } = {}) {
    super(message);
    this.name = 'ReceiverDeclineError';
    this.temporary = options.temporary ?? false;
    this.closeCode = options.closeCode ?? StreamErrorCode.NoError;
    this.rejectCode = options.rejectCode ?? IlpErrorCode.T00_INTERNAL_ERROR;
  }
}

export interface StreamReceiver {
  readonly serverAddress: string;
  generateCredentials(details?: ConnectionDetails): StreamCredentials;
  /** The connection details sealed in a destination address, or undefined if it is not one of ours. */
  decodeAddress(destination: string): ConnectionDetails | undefined;
  handlePrepare(prepare: IlpPrepare, hooks?: ReceiverHooks): Promise<IlpReply>;
}

export function createStreamReceiver(options: StreamReceiverOptions): StreamReceiver {
  const { serverAddress } = options;
  if (!isValidIlpAddress(serverAddress)) throw new RangeError(`invalid server address: ${serverAddress}`);
  const keys = new TokenKeys(options.serverSecret);
  const prefix = `${serverAddress}.`;
  const maxStreamData = options.maxStreamData ?? DEFAULT_MAX_STREAM_DATA;
  if (maxStreamData < DEFAULT_STREAM_DATA_LIMIT || maxStreamData > MAX_UINT64) {
    throw new RangeError(`maxStreamData must be between ${DEFAULT_STREAM_DATA_LIMIT} and 2^64 - 1`);
  }

  /** The token segment right after the server address, or undefined if the packet is not addressed to us. */
  function tokenSegment(destination: string): string | undefined {
    if (!destination.startsWith(prefix)) return undefined;
    const segment = destination.slice(prefix.length).split('.', 1)[0];
    return segment ? segment : undefined;
  }

  // Derived keys per destination address. A pure function of the address and the server secret, so caching it keeps
  // the receiver stateless while sparing one AES-GCM token decryption and four HMACs on every packet after the first.
  const keyCache = new Map<string, ConnectionKeys>();
  function keysFor(destination: string, segment: string): ConnectionKeys | undefined {
    const cached = keyCache.get(destination);
    if (cached) return cached;
    const token = fromBase64(segment);
    const details = decodeConnectionToken(keys, token);
    if (!details) return undefined; // not cached: forged addresses must not evict real connections
    const sharedSecret = keys.sharedSecretFor(token);
    const derived: ConnectionKeys = {
      details,
      packetKey: encryptionKey(sharedSecret),
      fulfillmentKey: fulfillmentKey(sharedSecret),
      connectionId: createHash('sha256').update(destination, 'ascii').digest('hex'),
    };
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(destination, derived);
    return derived;
  }

  function reject(code: string, data: Buffer = Buffer.alloc(0)): IlpReject {
    // Empty message on purpose: the reply must not help anyone fingerprint the receiver (stream-receiver does the same).
    return { code, triggeredBy: serverAddress, message: '', data };
  }

  return {
    serverAddress,

    generateCredentials(details = {}) {
      const token = encodeConnectionToken(keys, details);
      const ilpAddress = `${prefix}${toBase64Url(token)}`;
      if (!isValidIlpAddress(ilpAddress)) throw new RangeError('connection details do not fit in an ILP address');
      return { ilpAddress, sharedSecret: keys.sharedSecretFor(token) };
    },

    decodeAddress(destination) {
      const segment = tokenSegment(destination);
      return segment === undefined ? undefined : decodeConnectionToken(keys, fromBase64(segment));
    },

    async handlePrepare(prepare, hooks = {}) {
      const notices: { close?: IncomingClose } = {};
      const reply = await answer(prepare, hooks, notices);
      if (notices.close && hooks.onConnectionClose) {
        try {
          await hooks.onConnectionClose(notices.close);
        } catch {
          // A notification: the reply is decided already and must not change.
        }
      }
      return reply;
    },
  };

  /** The decision procedure; `notices.close` is set for an authentic ConnectionClose. */
  async function answer(
    prepare: IlpPrepare,
    hooks: ReceiverHooks,
    notices: { close?: IncomingClose },
  ): Promise<IlpReply> {
    // §4.6.1 — not addressed to us.
    const segment = tokenSegment(prepare.destination);
    if (segment === undefined) return reject(IlpErrorCode.F02_UNREACHABLE);

    // §4.6.2 — token or STREAM data not authentic: nothing to encrypt a reply with.
    const connectionKeys = keysFor(prepare.destination, segment);
    if (!connectionKeys) return reject(IlpErrorCode.F06_UNEXPECTED_PAYMENT);
    const { details, packetKey } = connectionKeys;
    let request: StreamPacket;
    try {
      request = decodeStreamPacket(decrypt(packetKey, prepare.data));
    } catch {
      return reject(IlpErrorCode.F06_UNEXPECTED_PAYMENT);
    }

    // §4.6.3 — a STREAM packet meant for another ILP packet type was swapped in: not an authentic request.
    // (F06 as ilp-protocol-stream answers; stream-receiver uses F00. Either way, no STREAM data.)
    if (request.ilpPacketType !== IlpPacketType.Prepare) return reject(IlpErrorCode.F06_UNEXPECTED_PAYMENT);

    const connection: IncomingConnection = {
      connectionId: connectionKeys.connectionId,
      connectionTag: details.connectionTag,
      asset: details.asset && { ...details.asset },
      receipts: details.receiptSetup !== undefined,
    };

    // §4.6.4 — from here on every reply carries an encrypted STREAM packet with the same sequence and the amount
    // that arrived, which is how senders (and their rate probes) learn what was delivered.
    const replyFrames: Frame[] = [];
    let replyData: StreamDataFrame[] = [];
    /** Our ConnectionClose for the reply, if any: an acknowledgement (NoError) or the reason we close. */
    let closeCode: number | undefined;
    const reply = (type: typeof IlpPacketType.Fulfill | typeof IlpPacketType.Reject): Buffer => {
      const closeFrames: Frame[] =
        closeCode === undefined ? [] : [{ type: FrameType.ConnectionClose, errorCode: closeCode, errorMessage: '' }];
      const encode = (data: StreamDataFrame[]): Buffer =>
        encodeStreamPacket({
          sequence: request.sequence,
          ilpPacketType: type,
          prepareAmount: prepare.amount,
          frames: [...replyFrames, ...data, ...closeFrames],
        });
      let plaintext = encode(replyData);
      // Application data that would not fit in one ILP packet is left out, last frames first (see HookReply).
      for (let kept = replyData.length - 1; plaintext.length > MAX_STREAM_PLAINTEXT && kept >= 0; kept--) {
        plaintext = encode(replyData.slice(0, kept));
      }
      return encrypt(packetKey, plaintext);
    };
    const rejectWithReply = (code: string = IlpErrorCode.F99_APPLICATION_ERROR): IlpReject =>
      reject(code, reply(IlpPacketType.Reject));
    const close = (code: number): IlpReject => {
      closeCode = code;
      return rejectWithReply();
    };
    const takeReplyData = (result: void | HookReply): void => {
      replyData = (result?.replyData ?? []).map(({ streamId, offset, data }) => ({
        type: FrameType.StreamData,
        streamId,
        offset,
        data,
      }));
    };

    // §4.6.5 — the sender is closing: whatever else happens to this packet, the reply acknowledges the close. Money
    // and data in the same packet are still handled below (a Fulfill acknowledges every frame, RFC 0029 §3.6).
    const connectionClose = request.frames.find(
      (frame): frame is ConnectionCloseFrame => frame.type === FrameType.ConnectionClose,
    );
    if (connectionClose) {
      closeCode = StreamErrorCode.NoError;
      notices.close = {
        ...connection,
        sequence: request.sequence,
        errorCode: connectionClose.errorCode,
        errorMessage: connectionClose.errorMessage,
      };
    }

    // A sender announcing its address learns our asset (SPSP / @interledger/pay asset probes need this), on every
    // kind of reply, including the F99 answers to probes.
    const asset = details.asset;
    if (asset && request.frames.some((frame) => frame.type === FrameType.ConnectionNewAddress)) {
      replyFrames.push({
        type: FrameType.ConnectionAssetDetails,
        sourceAssetCode: asset.code,
        sourceAssetScale: asset.scale,
      });
    }

    // Clients open odd stream ids only (RFC 0029 §4.4.1).
    const moneyFrames = request.frames.filter(
      (frame): frame is StreamMoneyFrame => frame.type === FrameType.StreamMoney,
    );
    const dataFrames = request.frames.filter((frame): frame is StreamDataFrame => frame.type === FrameType.StreamData);
    if ([...moneyFrames, ...dataFrames].some((frame) => frame.streamId % 2n === 0n)) {
      return close(StreamErrorCode.ProtocolViolation);
    }

    // Data flow control (RFC 0029 §4.4.4): one fixed limit per stream, so it never shrinks and needs no state.
    if (dataFrames.some((frame) => frame.offset + BigInt(frame.data.length) > maxStreamData)) {
      return close(StreamErrorCode.FlowControlError);
    }
    const dataStreams = unique(
      request.frames.flatMap((frame) =>
        frame.type === FrameType.StreamData || frame.type === FrameType.StreamDataBlocked ? [frame.streamId] : [],
      ),
    );
    for (const streamId of dataStreams) {
      replyFrames.push({ type: FrameType.StreamMaxData, streamId, maxOffset: maxStreamData });
    }
    if (dataStreams.length > 0 || request.frames.some((frame) => frame.type === FrameType.ConnectionDataBlocked)) {
      // Bytes across streams cannot be counted without state: the per-stream limit is the one that applies.
      replyFrames.push({ type: FrameType.ConnectionMaxData, maxOffset: MAX_UINT64 });
    }

    // §4.6.6 — below the sender's minimum (its exchange-rate guarantee).
    if (prepare.amount < request.prepareAmount) return rejectWithReply();

    // §4.6.7 — unfulfillable (rate probes use random conditions): F99, never F05, which @interledger/pay treats as fatal.
    const fulfillment = fulfillmentFor(connectionKeys.fulfillmentKey, prepare.data);
    if (!conditionFor(fulfillment).equals(prepare.executionCondition)) return rejectWithReply();
    const fulfill = (): IlpReply => ({ fulfillment, data: reply(IlpPacketType.Fulfill) });

    const incoming: IncomingData = {
      ...connection,
      sequence: request.sequence,
      dataFrames,
      streamCloses: request.frames.filter((frame): frame is StreamCloseFrame => frame.type === FrameType.StreamClose),
      connectionClose,
      frames: request.frames,
    };

    // §4.6.9 — zero-amount packets (data, closes, pings) are fulfilled: ilp-protocol-stream clients retry forever
    // when such packets are rejected.
    if (prepare.amount === 0n) {
      if (hooks.onData) {
        try {
          takeReplyData(await hooks.onData(incoming));
        } catch (error) {
          return decline(error);
        }
      }
      return fulfill();
    }

    // §4.6.8 — the application's per-connection maximum.
    if (hooks.remainingAmount) {
      let limit: bigint | ReceiveLimit | undefined;
      try {
        limit = await hooks.remainingAmount(connection);
      } catch (error) {
        return decline(error);
      }
      if (limit !== undefined) {
        const receiveLimit = typeof limit === 'bigint' ? { remaining: limit } : limit;
        if (prepare.amount > receiveLimit.remaining) return exceeds(receiveLimit);
      }
    }

    // §4.6.9 — credit, then fulfill.
    let totalReceived: bigint | undefined;
    if (hooks.onMoney) {
      try {
        const result = await hooks.onMoney({ ...incoming, amount: prepare.amount, prepare });
        totalReceived = result ? result.totalReceived : undefined;
        takeReplyData(result);
      } catch (error) {
        return decline(error);
      }
    }
    if (details.receiptSetup && totalReceived !== undefined && totalReceived >= 0n && totalReceived <= MAX_UINT64) {
      const receipt = createReceipt({ ...details.receiptSetup, streamId: RECEIPT_STREAM_ID, totalReceived });
      replyFrames.push({ type: FrameType.StreamReceipt, streamId: RECEIPT_STREAM_ID, receipt });
    }
    return fulfill();

    /** F99 with StreamMaxMoney frames: the sender learns how much more it may send. */
    function exceeds({ remaining, totalReceived = 0n }: ReceiveLimit): IlpReject {
      const receiveMax = min(totalReceived + (remaining > 0n ? remaining : 0n), MAX_UINT64);
      const streamIds = moneyFrames.length > 0 ? unique(moneyFrames.map((frame) => frame.streamId)) : [1n];
      for (const streamId of streamIds) {
        replyFrames.push({
          type: FrameType.StreamMaxMoney,
          streamId,
          receiveMax,
          totalReceived: min(totalReceived, MAX_UINT64),
        });
      }
      return rejectWithReply();
    }

    function decline(error: unknown): IlpReject {
      if (error instanceof ReceiveLimitError) return exceeds(error.limit);
      if (error instanceof ReceiverDeclineError && error.temporary) {
        // The sender will resend the packet (close included), so nothing is acknowledged yet.
        closeCode = undefined;
        return rejectWithReply(error.rejectCode);
      }
      return close(error instanceof ReceiverDeclineError ? error.closeCode : StreamErrorCode.ApplicationError);
    }
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function unique(values: bigint[]): bigint[] {
  return [...new Set(values)];
}
