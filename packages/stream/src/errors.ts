// Typed errors of the STREAM package. Each carries a stable `code` so callers can branch without parsing messages.

export type StreamCodecErrorCode =
  /** The bytes do not follow the packet/frame layout (truncated, bad length prefix, …). */
  | 'MALFORMED'
  /** The packet's version byte is not 1. */
  | 'UNSUPPORTED_VERSION'
  /** A VarUInt field that must fit in UInt64 does not (only receiveMax/sendMax saturate instead). */
  | 'VALUE_TOO_LARGE'
  /** Encoding was asked to write a value outside its field's range. */
  | 'INVALID_VALUE';

export class StreamCodecError extends Error {
  constructor(
    readonly code: StreamCodecErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StreamCodecError';
  }
}

export type StreamCryptoErrorCode =
  /** AES-GCM authentication failed: wrong key, or the data was altered or truncated. */
  | 'DECRYPTION_FAILED'
  /** A key, nonce or secret has the wrong length. */
  | 'INVALID_KEY';

export class StreamCryptoError extends Error {
  constructor(
    readonly code: StreamCryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StreamCryptoError';
  }
}

export type StreamReceiptErrorCode = 'MALFORMED_RECEIPT' | 'UNSUPPORTED_RECEIPT_VERSION' | 'INVALID_RECEIPT_HMAC';

export class StreamReceiptError extends Error {
  constructor(
    readonly code: StreamReceiptErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StreamReceiptError';
  }
}

export type StreamPaymentErrorCode =
  /** Options are inconsistent (no amount, negative amount, zero rate for a fixed delivery, bad address…). */
  | 'INVALID_OPTIONS'
  /** The caller's AbortSignal fired. Packets already in flight were settled and counted first. */
  | 'ABORTED'
  /** No rate probe got an authentic STREAM reply (the receiver never answered with STREAM data). */
  | 'RATE_PROBE_FAILED'
  /** The probed rate is below minExchangeRate, or a packet arrived below its minimum (the rate dropped). */
  | 'INSUFFICIENT_EXCHANGE_RATE'
  /** F08 replies shrank the maximum packet amount to zero: nothing can cross the path. */
  | 'MAX_PACKET_AMOUNT_ZERO'
  /** A final (F) or relative (R) ILP reject that is not the receiver's F99; `reject` holds it. */
  | 'CONNECTOR_ERROR'
  /** The receiver sent ConnectionClose, or closed our stream. */
  | 'CLOSED_BY_RECEIVER'
  /** The receiver refused money (F99) without a reason we can act on, or advertised it can receive no more. */
  | 'RECEIVER_REFUSED'
  /** The receiver broke the protocol (e.g. fulfilled below the minimum, invalid fulfillment). */
  | 'RECEIVER_PROTOCOL_VIOLATION'
  /** Too many temporary failures (T errors, link errors) in a row without a fulfilled packet. */
  | 'TOO_MANY_FAILURES'
  /** 2^31 packets were sent on this shared secret; RFC 0029 requires a new connection. */
  | 'ENCRYPTION_LIMIT';

export class StreamPaymentError extends Error {
  constructor(
    readonly code: StreamPaymentErrorCode,
    message: string,
    /** The ILP reject that ended the payment, when one did. */
    readonly reject?: { code: string; triggeredBy: string; message: string; data: Buffer },
    /** Totals at the moment the payment stopped (set by sendPayment). */
    public progress?: unknown,
  ) {
    super(message);
    this.name = 'StreamPaymentError';
  }
}

export type StreamConnectionErrorCode =
  /** Options or arguments are invalid (bad address, secret, window, empty stream id …). */
  | 'INVALID_OPTIONS'
  /** The stream id cannot be used: wrong parity for a new stream, or above the peer's ConnectionMaxStreamId. */
  | 'INVALID_STREAM_ID'
  /** close() was called (or the connection failed) before the operation finished. */
  | 'CONNECTION_CLOSED'
  /** The peer closed the connection, or the stream; `close` holds its error code and message. */
  | 'CLOSED_BY_PEER'
  /** The peer's flow control (StreamMaxData / ConnectionMaxData) did not open up for the queued data. */
  | 'DATA_BLOCKED'
  /** A final (F) or relative (R) ILP reject without an authentic STREAM reply; `reject` holds it. */
  | 'CONNECTOR_ERROR'
  /** The peer broke the protocol (invalid fulfillment, data beyond our advertised limits, wrong stream parity). */
  | 'PEER_PROTOCOL_VIOLATION'
  /** Too many temporary failures (T rejects, link errors, blocked notices) in a row. */
  | 'TOO_MANY_FAILURES'
  /** 2^31 packets were sent on this shared secret; RFC 0029 requires a new connection. */
  | 'ENCRYPTION_LIMIT'
  /** ping() got no authentic STREAM reply. */
  | 'NO_REPLY';

export class StreamConnectionError extends Error {
  constructor(
    readonly code: StreamConnectionErrorCode,
    message: string,
    /** The close frame's code and message, for CLOSED_BY_PEER. */
    readonly close?: { errorCode: number; errorMessage: string },
    /** The ILP reject, for CONNECTOR_ERROR. */
    readonly reject?: { code: string; triggeredBy: string; message: string; data: Buffer },
  ) {
    super(message);
    this.name = 'StreamConnectionError';
  }
}
