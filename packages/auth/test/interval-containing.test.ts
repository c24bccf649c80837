import { intervalContaining } from '@sluice/auth';

const at = (iso: string) => new Date(iso);

describe('intervalContaining', () => {
  it('finds daily periods from a start, unbounded', () => {
    expect(intervalContaining('R/2024-01-01T00:00:00Z/P1D', at('2024-03-05T13:00:00Z'))).toEqual({
      start: at('2024-03-05T00:00:00Z'),
      end: at('2024-03-06T00:00:00Z'),
    });
    expect(intervalContaining('R/2024-01-01T00:00:00Z/P1D', at('2023-12-31T23:59:59Z'))).toBeUndefined();
  });

  it('steps months by the calendar and honours Rn as n + 1 periods', () => {
    const interval = 'R2/2024-01-31T00:00:00Z/P1M';
    expect(intervalContaining(interval, at('2024-02-15T00:00:00Z'))).toEqual({
      start: at('2024-01-31T00:00:00Z'),
      end: at('2024-02-29T00:00:00Z'),
    });
    expect(intervalContaining(interval, at('2024-03-10T00:00:00Z'))?.start).toEqual(at('2024-02-29T00:00:00Z'));
    expect(intervalContaining(interval, at('2024-04-10T00:00:00Z'))?.start).toEqual(at('2024-03-31T00:00:00Z'));
    expect(intervalContaining(interval, at('2024-05-10T00:00:00Z'))).toBeUndefined();
  });

  it('handles start/end and duration/end forms', () => {
    expect(intervalContaining('R/2024-01-01T00:00:00Z/2024-01-08T00:00:00Z', at('2024-01-20T00:00:00Z'))).toEqual({
      start: at('2024-01-15T00:00:00Z'),
      end: at('2024-01-22T00:00:00Z'),
    });
    expect(intervalContaining('R1/P1D/2024-01-10T00:00:00Z', at('2024-01-08T12:00:00Z'))).toEqual({
      start: at('2024-01-08T00:00:00Z'),
      end: at('2024-01-09T00:00:00Z'),
    });
    expect(intervalContaining('R1/P1D/2024-01-10T00:00:00Z', at('2024-01-07T12:00:00Z'))).toBeUndefined();
  });
});
