// Which period of a grant's repeating interval a moment falls in: the resource server sums what a grant spent per
// period. Rafiki's reading of `Rn` is used: the first period plus n repetitions (n + 1 periods in all).
import { parseRepeatingInterval, type IsoDuration, type RepeatingInterval } from './interval';

export interface IntervalPeriod {
  start: Date;
  end: Date;
}

/** Adds `times` × `duration` in UTC calendar arithmetic (months and years keep the day of month where they can). */
function addDuration(date: Date, duration: IsoDuration, times: number): Date {
  const result = new Date(date.getTime());
  if (duration.years || duration.months) {
    const day = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + times * (duration.years * 12 + duration.months));
    const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
    result.setUTCDate(Math.min(day, lastDay));
  }
  return new Date(result.getTime() + times * fixedMilliseconds(duration));
}

function fixedMilliseconds(duration: IsoDuration): number {
  return (
    ((duration.weeks * 7 + duration.days) * 24 * 3600 + duration.hours * 3600 + duration.minutes * 60) * 1000 +
    Math.round(duration.seconds * 1000)
  );
}

function periodCount(interval: RepeatingInterval): number {
  return interval.repetitions === null ? Infinity : interval.repetitions + 1;
}

/** Index of the period starting at `start` that contains `at`, stepping by `duration`; -1 before the start. */
function periodIndex(start: Date, duration: IsoDuration, at: Date): number {
  const offset = at.getTime() - start.getTime();
  if (offset < 0) return -1;
  if (!duration.years && !duration.months) return Math.floor(offset / fixedMilliseconds(duration));
  // Calendar lengths vary: estimate by average month, then correct by stepping.
  const monthsPerPeriod = duration.years * 12 + duration.months;
  let index = Math.max(
    0,
    Math.floor(offset / (monthsPerPeriod * 30.436875 * 86_400_000 + fixedMilliseconds(duration))) - 1,
  );
  while (addDuration(start, duration, index + 1).getTime() <= at.getTime()) index++;
  while (index > 0 && addDuration(start, duration, index).getTime() > at.getTime()) index--;
  return index;
}

/** The period of `interval` (text or parsed) containing `at`, or undefined when `at` is outside every period. */
export function intervalContaining(interval: string | RepeatingInterval, at: Date): IntervalPeriod | undefined {
  const parsed = typeof interval === 'string' ? parseRepeatingInterval(interval) : interval;
  const count = periodCount(parsed);
  if (parsed.start && parsed.duration) {
    const index = periodIndex(parsed.start, parsed.duration, at);
    if (index < 0 || index >= count) return undefined;
    return {
      start: addDuration(parsed.start, parsed.duration, index),
      end: addDuration(parsed.start, parsed.duration, index + 1),
    };
  }
  if (parsed.start && parsed.end) {
    const length = parsed.end.getTime() - parsed.start.getTime();
    const offset = at.getTime() - parsed.start.getTime();
    if (offset < 0) return undefined;
    const index = Math.floor(offset / length);
    if (index >= count) return undefined;
    const start = parsed.start.getTime() + index * length;
    return { start: new Date(start), end: new Date(start + length) };
  }
  if (parsed.duration && parsed.end) {
    // Counting backwards from the end: period k is [end − (k+1)·d, end − k·d).
    if (at.getTime() >= parsed.end.getTime()) return undefined;
    const negative: IsoDuration = {
      years: -parsed.duration.years,
      months: -parsed.duration.months,
      weeks: -parsed.duration.weeks,
      days: -parsed.duration.days,
      hours: -parsed.duration.hours,
      minutes: -parsed.duration.minutes,
      seconds: -parsed.duration.seconds,
    };
    for (let k = 0; k < Math.min(count, 100_000); k++) {
      const start = addDuration(parsed.end, negative, k + 1);
      if (at.getTime() >= start.getTime()) return { start, end: addDuration(parsed.end, negative, k) };
    }
    return undefined;
  }
  return undefined;
}
