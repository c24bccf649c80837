// ILPv4 `expiresAt`: exactly 17 ASCII digits `YYYYMMDDHHmmssfff` in UTC, with no length prefix (RFC 0027,
// asn1/InterledgerTypes.asn). It is not GeneralizedTime. The calendar arithmetic below replaces Date's UTC getters
// and Date.UTC, which dominate the cost of a Prepare round trip otherwise.
import { IlpEncodeError, InvalidIlpPacketError } from './errors';

export const ILP_TIMESTAMP_LENGTH = 17;

const MS_PER_DAY = 86_400_000;
// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the years four digits can express.
const MIN_TIME = -62_167_219_200_000;
const MAX_TIME = 253_402_300_799_999;
const ZERO = 0x30;
const TIMESTAMP_DIGITS = /^[0-9]{17}$/;

export function serializeIlpTimestamp(date: Date): string {
  const bytes = Buffer.allocUnsafe(ILP_TIMESTAMP_LENGTH);
  writeIlpTimestampAt(bytes, 0, date);
  return bytes.toString('latin1');
}

/** Parses a 17-digit ILP timestamp; throws InvalidIlpPacketError unless it names a real instant in years 0000–9999. */
export function parseIlpTimestamp(timestamp: string): Date {
  if (typeof timestamp !== 'string' || !TIMESTAMP_DIGITS.test(timestamp)) {
    throw new InvalidIlpPacketError('timestamp must be exactly 17 ASCII digits');
  }
  return readIlpTimestampAt(Buffer.from(timestamp, 'latin1'), 0);
}

/** Throws IlpEncodeError for an invalid Date or one outside years 0000–9999. */
export function checkIlpTimestamp(date: Date, field: string): number {
  const time = date instanceof Date ? date.getTime() : NaN;
  if (!(time >= MIN_TIME && time <= MAX_TIME)) {
    throw new IlpEncodeError(field, 'must be a valid Date in years 0000-9999');
  }
  return time;
}

// Below, `(x / y) | 0` is integer division of values known to be non-negative; it is markedly cheaper than
// Math.floor on this path. Only the era can be negative (January and February of year 0000 precede the first era,
// which starts on 0000-03-01), so it alone uses Math.floor.

/** Writes the 17 digits at `offset`; the caller sized the buffer. */
export function writeIlpTimestampAt(buffer: Buffer, offset: number, date: Date): number {
  const time = checkIlpTimestamp(date, 'expiresAt');
  const days = Math.floor(time / MS_PER_DAY);
  let msOfDay = time - days * MS_PER_DAY;

  // Civil date from a day count (H. Hinnant, "chrono-compatible low-level date algorithms"), eras of 400 years
  // counted from 0000-03-01.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra =
    ((dayOfEra - ((dayOfEra / 1460) | 0) + ((dayOfEra / 36_524) | 0) - ((dayOfEra / 146_096) | 0)) / 365) | 0;
  const dayOfYear = dayOfEra - (365 * yearOfEra + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0));
  const monthFromMarch = ((5 * dayOfYear + 2) / 153) | 0;
  const day = dayOfYear - (((153 * monthFromMarch + 2) / 5) | 0) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

  const hours = (msOfDay / 3_600_000) | 0;
  msOfDay -= hours * 3_600_000;
  const minutes = (msOfDay / 60_000) | 0;
  msOfDay -= minutes * 60_000;
  const seconds = (msOfDay / 1000) | 0;
  const millis = msOfDay - seconds * 1000;

  const century = (year / 100) | 0;
  writeTwoDigits(buffer, offset, century);
  writeTwoDigits(buffer, offset + 2, year - century * 100);
  writeTwoDigits(buffer, offset + 4, month);
  writeTwoDigits(buffer, offset + 6, day);
  writeTwoDigits(buffer, offset + 8, hours);
  writeTwoDigits(buffer, offset + 10, minutes);
  writeTwoDigits(buffer, offset + 12, seconds);
  const hundreds = (millis / 100) | 0;
  buffer[offset + 14] = ZERO + hundreds;
  writeTwoDigits(buffer, offset + 15, millis - hundreds * 100);
  return offset + ILP_TIMESTAMP_LENGTH;
}

function writeTwoDigits(buffer: Buffer, offset: number, value: number): void {
  const tens = (value / 10) | 0;
  buffer[offset] = ZERO + tens;
  buffer[offset + 1] = ZERO + value - tens * 10;
}

/** Reads 17 digits at `offset` (the caller checked they are there). Rejects non-digits and impossible dates. */
export function readIlpTimestampAt(buffer: Buffer, offset: number): Date {
  // A byte is a digit iff both (byte - '0') and ('9' - byte) are non-negative; OR-ing them keeps any sign bit.
  let signs = 0;
  for (let i = offset; i < offset + ILP_TIMESTAMP_LENGTH; i++) signs |= (buffer[i] - ZERO) | (0x39 - buffer[i]);
  if (signs < 0) throw new InvalidIlpPacketError('timestamp must be exactly 17 ASCII digits');
  const year = twoDigits(buffer, offset) * 100 + twoDigits(buffer, offset + 2);
  const month = twoDigits(buffer, offset + 4);
  const day = twoDigits(buffer, offset + 6);
  const hours = twoDigits(buffer, offset + 8);
  const minutes = twoDigits(buffer, offset + 10);
  const seconds = twoDigits(buffer, offset + 12);
  const millis = (buffer[offset + 14] - ZERO) * 100 + twoDigits(buffer, offset + 15);
  // Second 60 is rejected: ILP smears leap seconds (UTC-SLS), so no timestamp names one.
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hours > 23 ||
    minutes > 59 ||
    seconds > 59
  ) {
    throw new InvalidIlpPacketError('timestamp is not a valid UTC date and time');
  }
  const days = daysFromCivil(year, month, day);
  return new Date(days * MS_PER_DAY + hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + millis);
}

function twoDigits(buffer: Buffer, offset: number): number {
  return (buffer[offset] - ZERO) * 10 + buffer[offset + 1] - ZERO;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (inverse of the algorithm in writeIlpTimestampAt). */
function daysFromCivil(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  // marchYear is -1 for January and February of year 0000, hence Math.floor here.
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = (((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) | 0) + day - 1;
  const dayOfEra = yearOfEra * 365 + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
