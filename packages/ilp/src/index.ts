export {
  OerReader,
  OerWriter,
  OerDecodeError,
  MAX_UINT64,
  lengthPrefixSize,
  varUIntSize,
  varUIntContentSize,
  varOctetStringSize,
  writeLengthPrefixAt,
  writeUInt64At,
  readUInt64At,
} from './oer';
export { IlpPacketType, isFulfill, isReject } from './packet-types';
export type { IlpPrepare, IlpFulfill, IlpReject, IlpReply } from './packet-types';
export { serializeIlpPrepare, deserializeIlpPrepare } from './prepare';
export { serializeIlpFulfill, deserializeIlpFulfill } from './fulfill';
export { serializeIlpReject, deserializeIlpReject } from './reject';
export { deserializeIlpPacket, deserializeIlpReply, serializeIlpReply } from './packet';
export type { IlpPacket } from './packet';
export { getIlpPacketType } from './envelope';
export { IlpError, InvalidIlpPacketError, IlpEncodeError } from './errors';
export { IlpErrorCode, isFinalErrorCode, isTemporaryErrorCode, isRelativeErrorCode } from './error-codes';
export type { IlpErrorCodeValue } from './error-codes';
export { serializeAmountTooLargeData, deserializeAmountTooLargeData } from './amount-too-large';
export type { AmountTooLargeData } from './amount-too-large';
export { isValidIlpAddress, ilpAddressScheme, ILP_ADDRESS_MAX_LENGTH } from './address';
export { serializeIlpTimestamp, parseIlpTimestamp, ILP_TIMESTAMP_LENGTH } from './timestamp';
export {
  ILDCP_DESTINATION,
  ILDCP_CONDITION,
  ILDCP_FULFILLMENT,
  ILDCP_REQUEST_LIFETIME_MS,
  isIldcpRequest,
  checkIldcpRequest,
  createIldcpRequest,
  serializeIldcpResponse,
  deserializeIldcpResponse,
  createIldcpFulfill,
} from './ildcp';
export type { IldcpResponse } from './ildcp';
