// IL-DCP (RFC 0031): a child asks its parent for its ILP address and asset with a Prepare to `peer.config`; the
// parent answers with a Fulfill whose data is clientAddress (var-octet ASCII) ‖ assetScale (UInt8) ‖ assetCode
// (var-octet UTF-8).
import { ILP_ADDRESS_MAX_LENGTH, isValidIlpAddress } from './address';
import { IlpEncodeError, IlpError, InvalidIlpPacketError, toInvalidPacketError } from './errors';
import { IlpErrorCode } from './error-codes';
import { EMPTY_BUFFER } from './fields';
import { OerReader, OerWriter } from './oer';
import type { IlpFulfill, IlpPrepare } from './packet-types';

export const ILDCP_DESTINATION = 'peer.config';
/** 32 zero bytes: the fulfillment every peer protocol uses. Treat as read-only; the create functions copy it. */
export const ILDCP_FULFILLMENT: Buffer = Buffer.alloc(32);
/** SHA-256 of ILDCP_FULFILLMENT, as given in RFC 0031. Treat as read-only. */
export const ILDCP_CONDITION: Buffer = Buffer.from('Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU=', 'base64');

/** How long a request lives by default (ilp-protocol-ildcp's value). */
export const ILDCP_REQUEST_LIFETIME_MS = 60_000;

export interface IldcpResponse {
  clientAddress: string;
  assetScale: number;
  assetCode: string;
}

// Strict on the child's side: a response whose asset code is not UTF-8 is a broken parent, not something to display.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Routing test: is this Prepare for the IL-DCP handler? Check it with checkIldcpRequest before answering. */
export function isIldcpRequest(prepare: IlpPrepare): boolean {
  return prepare.destination === ILDCP_DESTINATION;
}

/**
 * Throws IlpError F00 when a `peer.config` Prepare carries the wrong condition or has expired, as
 * ilp-protocol-ildcp's server does. The amount is not checked: RFC 0031 reserves non-zero amounts for a future
 * paid address reservation.
 */
export function checkIldcpRequest(prepare: IlpPrepare, now: Date = new Date()): void {
  if (!ILDCP_CONDITION.equals(prepare.executionCondition)) {
    throw new IlpError(IlpErrorCode.F00_BAD_REQUEST, 'IL-DCP request has the wrong condition');
  }
  if (prepare.expiresAt.getTime() < now.getTime()) {
    throw new IlpError(IlpErrorCode.F00_BAD_REQUEST, 'IL-DCP request has expired');
  }
}

export function createIldcpRequest(expiresAt: Date = new Date(Date.now() + ILDCP_REQUEST_LIFETIME_MS)): IlpPrepare {
  return {
    amount: 0n,
    expiresAt,
    executionCondition: Buffer.from(ILDCP_CONDITION),
    destination: ILDCP_DESTINATION,
    data: EMPTY_BUFFER,
  };
}

/** The data of the IL-DCP Fulfill. Throws IlpEncodeError for an invalid address, scale or asset code. */
export function serializeIldcpResponse(response: IldcpResponse): Buffer {
  const { clientAddress, assetScale, assetCode } = response;
  if (!isValidIlpAddress(clientAddress)) throw new IlpEncodeError('clientAddress', 'must be a valid ILP address');
  if (!Number.isInteger(assetScale) || assetScale < 0 || assetScale > 255) {
    throw new IlpEncodeError('assetScale', 'must be an integer in 0..255');
  }
  if (typeof assetCode !== 'string') throw new IlpEncodeError('assetCode', 'must be a string');
  const writer = new OerWriter(clientAddress.length + assetCode.length * 3 + 8);
  writer.writeVarOctetString(Buffer.from(clientAddress, 'ascii'));
  writer.writeUInt8(assetScale);
  writer.writeVarOctetString(Buffer.from(assetCode, 'utf8'));
  return writer.toBuffer();
}

/** Parses the data of an IL-DCP Fulfill. Throws only InvalidIlpPacketError; trailing bytes are ignored. */
export function deserializeIldcpResponse(data: Buffer): IldcpResponse {
  try {
    const reader = new OerReader(data);
    const addressBytes = reader.readVarOctetString();
    if (addressBytes.length > ILP_ADDRESS_MAX_LENGTH) throw new InvalidIlpPacketError('clientAddress is too long');
    const clientAddress = addressBytes.toString('latin1');
    if (!isValidIlpAddress(clientAddress)) throw new InvalidIlpPacketError('clientAddress is not a valid ILP address');
    const assetScale = reader.readUInt8();
    const assetCode = utf8.decode(reader.readVarOctetString());
    return { clientAddress, assetScale, assetCode };
  } catch (error) {
    throw toInvalidPacketError(error, 'IL-DCP response');
  }
}

export function createIldcpFulfill(response: IldcpResponse): IlpFulfill {
  return { fulfillment: Buffer.from(ILDCP_FULFILLMENT), data: serializeIldcpResponse(response) };
}
