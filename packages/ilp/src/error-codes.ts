// Reject codes of RFC 0027. The first letter is the class a sender acts on: F = final (do not retry unchanged),
// T = temporary (retry later), R = relative (retry with more time or money). Codes ending in 99 are application-defined.

export const IlpErrorCode = {
  F00_BAD_REQUEST: 'F00',
  F01_INVALID_PACKET: 'F01',
  F02_UNREACHABLE: 'F02',
  F03_INVALID_AMOUNT: 'F03',
  F04_INSUFFICIENT_DESTINATION_AMOUNT: 'F04',
  F05_WRONG_CONDITION: 'F05',
  F06_UNEXPECTED_PAYMENT: 'F06',
  F07_CANNOT_RECEIVE: 'F07',
  F08_AMOUNT_TOO_LARGE: 'F08',
  F99_APPLICATION_ERROR: 'F99',
  T00_INTERNAL_ERROR: 'T00',
  T01_PEER_UNREACHABLE: 'T01',
  T02_PEER_BUSY: 'T02',
  T03_CONNECTOR_BUSY: 'T03',
  T04_INSUFFICIENT_LIQUIDITY: 'T04',
  T05_RATE_LIMITED: 'T05',
  T99_APPLICATION_ERROR: 'T99',
  R00_TRANSFER_TIMED_OUT: 'R00',
  R01_INSUFFICIENT_SOURCE_AMOUNT: 'R01',
  R02_INSUFFICIENT_TIMEOUT: 'R02',
  R99_APPLICATION_ERROR: 'R99',
} as const;

export type IlpErrorCodeValue = (typeof IlpErrorCode)[keyof typeof IlpErrorCode];

// Classification goes by the first letter only, so codes this list does not name (e.g. a peer's F42) still classify.
function hasClass(code: string, letter: string): boolean {
  return typeof code === 'string' && code.length === 3 && code[0] === letter;
}

export function isFinalErrorCode(code: string): boolean {
  return hasClass(code, 'F');
}

export function isTemporaryErrorCode(code: string): boolean {
  return hasClass(code, 'T');
}

export function isRelativeErrorCode(code: string): boolean {
  return hasClass(code, 'R');
}
