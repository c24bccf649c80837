import type { IlpErrorCodeValue } from './error-codes';
import type { IlpReject } from './packet-types';

const EMPTY = Buffer.alloc(0);

/**
 * An ILP-level failure that becomes a Reject with `code`. Connector middlewares throw it; whoever answers the
 * Prepare turns it into a Reject with its own address as `triggeredBy`.
 */
export class IlpError extends Error {
  readonly code: IlpErrorCodeValue;
  readonly data: Buffer;

  constructor(code: IlpErrorCodeValue, message: string, data: Buffer = EMPTY, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IlpError';
    this.code = code;
    this.data = data;
  }

  toReject(triggeredBy: string): IlpReject {
    return { code: this.code, triggeredBy, message: this.message, data: this.data };
  }
}

/**
 * Bytes that are not a valid ILP packet (or IL-DCP response, timestamp, …). It is the only error the decoders throw
 * on untrusted input, and it is an IlpError with code F01 so a connector can answer it directly.
 */
export class InvalidIlpPacketError extends IlpError {
  declare readonly code: 'F01';

  constructor(message: string, options?: { cause?: unknown }) {
    super('F01', message, EMPTY, options);
    this.name = 'InvalidIlpPacketError';
  }
}

/**
 * A value the encoders cannot put on the wire (amount outside UInt64, condition not 32 bytes, invalid address…).
 * This is a bug in the caller, not in a peer, so it is a RangeError rather than an IlpError.
 */
export class IlpEncodeError extends RangeError {
  readonly code = 'ILP_ENCODE_ERROR';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'IlpEncodeError';
  }
}

/** What a decoder of untrusted bytes throws for any failure: InvalidIlpPacketError as is, anything else wrapped. */
export function toInvalidPacketError(error: unknown, what: string): InvalidIlpPacketError {
  if (error instanceof InvalidIlpPacketError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new InvalidIlpPacketError(`invalid ${what}: ${reason}`, { cause: error });
}
