import { parseRepeatingInterval, type IsoDuration } from './interval';

const UNITS: [keyof IsoDuration, string][] = [
  ['years', 'year'],
  ['months', 'month'],
  ['weeks', 'week'],
  ['days', 'day'],
  ['hours', 'hour'],
  ['minutes', 'minute'],
  ['seconds', 'second'],
];

/** `{ months: 1 }` → "1 month"; `{ days: 1, hours: 12 }` → "1 day 12 hours". */
export function describeDuration(duration: IsoDuration): string {
  return UNITS.filter(([key]) => duration[key] !== 0)
    .map(([key, unit]) => `${duration[key]} ${unit}${duration[key] === 1 ? '' : 's'}`)
    .join(' ');
}

/** A moment as people read it on a consent screen, in UTC (the grant does not know the reader's time zone). */
export function describeMoment(date: Date): string {
  const iso = date.toISOString();
  const seconds = iso.slice(17, 19) === '00' && iso.slice(20, 23) === '000' ? '' : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds} UTC`;
}

/**
 * "R12/2019-08-24T14:15:22Z/P1M" → "every 1 month from 2019-08-24 14:15:22 UTC, 13 periods in all". The count
 * follows Rafiki (Rn = the first period plus n repetitions) and is spelled out so nobody has to know that.
 */
export function describeInterval(text: string): string {
  const interval = parseRepeatingInterval(text);
  const periods =
    interval.repetitions === null
      ? 'repeating without end'
      : `${interval.repetitions + 1} period${interval.repetitions === 0 ? '' : 's'} in all`;
  if (interval.start !== undefined && interval.duration !== undefined) {
    return `every ${describeDuration(interval.duration)} from ${describeMoment(interval.start)}, ${periods}`;
  }
  if (interval.duration !== undefined && interval.end !== undefined) {
    return `every ${describeDuration(interval.duration)} up to ${describeMoment(interval.end)}, ${periods}`;
  }
  const start = interval.start as Date;
  const end = interval.end as Date;
  return `the period ${describeMoment(start)} to ${describeMoment(end)} and repetitions of its length, ${periods}`;
}
