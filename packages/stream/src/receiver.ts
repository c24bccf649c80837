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
  type Frame,
  type StreamDataFrame,
  type StreamMoneyFrame,
  type StreamPacket,
} from './frames';
import { IlpErrorCode, isValidIlpAddress, type IlpPrepare, type IlpReject, type IlpReply } from './ilp';
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

export interface IncomingMoney extends IncomingConnection {
  /** Amount of this Prepare, in the receiver's units: what will be credited if the hook returns normally. */
  amount: bigint;
  /** STREAM sequence of the packet (unique per sender per connection; usable as an idempotency key with connectionId). */
  sequence: bigint;
  /** StreamData frames carried by the packet, if any. */
  dataFrames: StreamDataFrame[];
  prepare: IlpPrepare;
}

export interface IncomingData extends IncomingConnection {
  sequence: bigint;
  dataFrames: StreamDataFrame[];
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
  /**
   * Called exactly once for every packet with a non-zero amount that the receiver is about to fulfill, after every
   * STREAM check passed. Credit the money here. Throwing or rejecting makes the receiver reject the packet instead
   * (F99 with a ConnectionClose frame, or as a ReceiverDeclineError says). Return `totalReceived` (cumulative for the
   * connection, including this packet) to have a receipt signed when the credentials asked for receipts.
   */
  onMoney?(money: IncomingMoney): Awaitable<void | { totalReceived?: bigint }>;
  /** Called for zero-amount packets with StreamData frames that are about to be fulfilled; throwing rejects as above. */
  onData?(data: IncomingData): Awaitable<void>;
}

/** Thrown from a hook to choose how the packet is declined. Any other error declines with F99 + ConnectionClose. */
export class ReceiverDeclineError extends Error {
  readonly code = 'RECEIVER_DECLINED';
  /** Temporary: T00 so the sender backs off and retries. Otherwise F99 with a ConnectionClose frame. */
  readonly temporary: boolean;
  /** Close error code for a final decline (default NoError: "payment is done, stop sending"). */
  readonly closeCode: number;

  constructor(message: string, options: { temporary?: boolean; closeCode?: number } = {}) {
    super(message);
    this.name = 'ReceiverDeclineError';
    this.temporary = options.temporary ?? false;
    this.closeCode = options.closeCode ?? StreamErrorCode.NoError;
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

      // §4.6.4 — from here on every reply carries an encrypted STREAM packet with the same sequence and the amount
      // that arrived, which is how senders (and their rate probes) learn what was delivered.
      const replyFrames: Frame[] = [];
      const reply = (type: typeof IlpPacketType.Fulfill | typeof IlpPacketType.Reject): Buffer =>
        encrypt(
          packetKey,
          encodeStreamPacket({
            sequence: request.sequence,
            ilpPacketType: type,
            prepareAmount: prepare.amount,
            frames: replyFrames,
          }),
        );
      const rejectWithReply = (code: string = IlpErrorCode.F99_APPLICATION_ERROR): IlpReject =>
        reject(code, reply(IlpPacketType.Reject));
      const close = (code: number): IlpReject => {
        replyFrames.push({ type: FrameType.ConnectionClose, errorCode: code, errorMessage: '' });
        return rejectWithReply();
      };

      // §4.6.5 — the sender is closing: acknowledge with our own close.
      if (request.frames.some((frame) => frame.type === FrameType.ConnectionClose)) {
        return close(StreamErrorCode.NoError);
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

      // Clients open odd stream ids only (RFC 0029 §2.4).
      const moneyFrames = request.frames.filter(
        (frame): frame is StreamMoneyFrame => frame.type === FrameType.StreamMoney,
      );
      const dataFrames = request.frames.filter(
        (frame): frame is StreamDataFrame => frame.type === FrameType.StreamData,
      );
      if ([...moneyFrames, ...dataFrames].some((frame) => frame.streamId % 2n === 0n)) {
        return close(StreamErrorCode.ProtocolViolation);
      }

      // §4.6.6 — below the sender's minimum (its exchange-rate guarantee).
      if (prepare.amount < request.prepareAmount) return rejectWithReply();

      // §4.6.7 — unfulfillable (rate probes use random conditions): F99, never F05, which @interledger/pay treats as fatal.
      const fulfillment = fulfillmentFor(connectionKeys.fulfillmentKey, prepare.data);
      if (!conditionFor(fulfillment).equals(prepare.executionCondition)) return rejectWithReply();

      const connection: IncomingConnection = {
        connectionId: connectionKeys.connectionId,
        connectionTag: details.connectionTag,
        asset: details.asset && { ...details.asset },
        receipts: details.receiptSetup !== undefined,
      };

      // §4.6.9 — zero-amount packets (pure data / close handshakes) are fulfilled: ilp-protocol-stream clients retry
      // forever when such packets are rejected.
      if (prepare.amount === 0n) {
        if (dataFrames.length > 0 && hooks.onData) {
          try {
            await hooks.onData({ ...connection, sequence: request.sequence, dataFrames });
          } catch (error) {
            return decline(error);
          }
        }
        return { fulfillment, data: reply(IlpPacketType.Fulfill) };
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
          const { remaining, totalReceived = 0n } = typeof limit === 'bigint' ? { remaining: limit } : limit;
          if (prepare.amount > remaining) {
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
        }
      }

      // §4.6.9 — credit, then fulfill.
      let totalReceived: bigint | undefined;
      if (hooks.onMoney) {
        try {
          const result = await hooks.onMoney({
            ...connection,
            amount: prepare.amount,
            sequence: request.sequence,
            dataFrames,
            prepare,
          });
          totalReceived = result ? result.totalReceived : undefined;
        } catch (error) {
          return decline(error);
        }
      }
      if (details.receiptSetup && totalReceived !== undefined && totalReceived >= 0n && totalReceived <= MAX_UINT64) {
        const receipt = createReceipt({ ...details.receiptSetup, streamId: RECEIPT_STREAM_ID, totalReceived });
        replyFrames.push({ type: FrameType.StreamReceipt, streamId: RECEIPT_STREAM_ID, receipt });
      }
      return { fulfillment, data: reply(IlpPacketType.Fulfill) };

      function decline(error: unknown): IlpReject {
        if (error instanceof ReceiverDeclineError) {
          if (error.temporary) return rejectWithReply(IlpErrorCode.T00_INTERNAL_ERROR);
          return close(error.closeCode);
        }
        return close(StreamErrorCode.ApplicationError);
      }
    },
  };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function unique(values: bigint[]): bigint[] {
  return [...new Set(values)];
}
