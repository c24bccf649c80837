// ISO 8601 repeating intervals as Open Payments grant limits use them: `R[n]/<start>/<duration>`,
// `R[n]/<duration>/<end>` or `R[n]/<start>/<end>` (the spec's examples cover all three). `R` and `R-1` repeat without
// bound. Only the extended format is accepted, and a time of day must carry a UTC offset: a local time would mean
// whatever time zone the resource server happens to run in.

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  /** May be fractional. */
  seconds: number;
}

export interface RepeatingInterval {
  /** Repetitions after the first interval (Rafiki's reading of `Rn`); null = unbounded (`R` or `R-1`). */
  repetitions: number | null;
  start?: Date;
  end?: Date;
  duration?: IsoDuration;
}

export class IntervalFormatError extends Error {
  override readonly name = 'IntervalFormatError';
}

const REPETITIONS = /^R(-1|0|[1-9][0-9]{0,8})?$/;
const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/;
const DURATION =
  /^P(?:([0-9]{1,6})Y)?(?:([0-9]{1,6})M)?(?:([0-9]{1,6})W)?(?:([0-9]{1,6})D)?(?:T(?:([0-9]{1,6})H)?(?:([0-9]{1,6})M)?(?:([0-9]{1,9}(?:[.,][0-9]{1,9})?)S)?)?$/;

/** Parses and validates a repeating interval; throws IntervalFormatError saying what is wrong. */
export function parseRepeatingInterval(text: string): RepeatingInterval {
  const parts = text.split('/');
  if (parts.length !== 3) throw new IntervalFormatError('expected R[n]/<start or duration>/<end or duration>');
  const [head, first, second] = parts as [string, string, string];
  const repetitions = REPETITIONS.exec(head);
  if (!repetitions) throw new IntervalFormatError(`"${head}" is not R, R-1 or R<count>`);
  const count = repetitions[1] === undefined || repetitions[1] === '-1' ? null : Number(repetitions[1]);
  const firstIsDuration = first.startsWith('P');
  const secondIsDuration = second.startsWith('P');
  if (firstIsDuration && secondIsDuration) throw new IntervalFormatError('an interval cannot be two durations');
  if (firstIsDuration) return { repetitions: count, duration: parseDuration(first), end: parseDateTime(second) };
  const start = parseDateTime(first);
  if (secondIsDuration) return { repetitions: count, start, duration: parseDuration(second) };
  const end = parseDateTime(second);
  if (end.getTime() <= start.getTime()) throw new IntervalFormatError('the interval ends before it starts');
  return { repetitions: count, start, end };
}

export function isRepeatingInterval(text: string): boolean {
  try {
    parseRepeatingInterval(text);
    return true;
  } catch {
    return false;
  }
}

export function parseDateTime(text: string): Date {
  const match = DATE_TIME.exec(text);
  if (!match) throw new IntervalFormatError(`"${text}" is not an ISO 8601 date or date-time`);
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  if (hour !== undefined && offset === undefined) {
    throw new IntervalFormatError(`"${text}" has a time of day but no UTC offset (add Z or ±hh:mm)`);
  }
  const fields = [Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0)];
  const seconds = Number(second ?? 0);
  const utc = Date.UTC(fields[0], fields[1], fields[2], fields[3], fields[4], seconds);
  const check = new Date(utc);
  // Date.UTC rolls 2023-02-30 over to March; a round trip that changes a field means the field was out of range.
  if (
    check.getUTCFullYear() !== fields[0] ||
    check.getUTCMonth() !== fields[1] ||
    check.getUTCDate() !== fields[2] ||
    check.getUTCHours() !== fields[3] ||
    check.getUTCMinutes() !== fields[4] ||
    check.getUTCSeconds() !== seconds
  ) {
    throw new IntervalFormatError(`"${text}" is not a valid date-time`);
  }
  const milliseconds = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  return new Date(utc + milliseconds - offsetMinutes(offset) * 60_000);
}

function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (hours > 23 || minutes > 59) throw new IntervalFormatError(`"${offset}" is not a valid UTC offset`);
  return sign * (hours * 60 + minutes);
}

export function parseDuration(text: string): IsoDuration {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    throw new IntervalFormatError(`"${text}" is not an ISO 8601 duration (e.g. P1M, P1DT12H)`);
  }
  const [, years, months, weeks, days, hours, minutes, seconds] = match;
  const duration: IsoDuration = {
    years: Number(years ?? 0),
    months: Number(months ?? 0),
    weeks: Number(weeks ?? 0),
    days: Number(days ?? 0),
    hours: Number(hours ?? 0),
    minutes: Number(minutes ?? 0),
    seconds: Number((seconds ?? '0').replace(',', '.')),
  };
  if (Object.values(duration).every((value) => value === 0)) {
    throw new IntervalFormatError(`"${text}" is a zero duration`);
  }
  return duration;
}
