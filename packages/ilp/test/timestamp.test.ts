import fc from 'fast-check';
import { IlpEncodeError, InvalidIlpPacketError, parseIlpTimestamp, serializeIlpTimestamp } from '@sluice/ilp';

// Reference formatting through Date's own ISO output, which has four-digit years for 0000–9999.
const viaIso = (date: Date): string => date.toISOString().replace(/[-T:.Z]/g, '');

describe('ILP timestamps', () => {
  it.each([
    ['2017-12-23T01:21:40.549Z', '20171223012140549'],
    ['1970-01-01T00:00:00.000Z', '19700101000000000'],
    ['1969-12-31T23:59:59.999Z', '19691231235959999'],
    ['0000-01-01T00:00:00.000Z', '00000101000000000'],
    ['0000-02-29T12:00:00.000Z', '00000229120000000'],
    ['9999-12-31T23:59:59.999Z', '99991231235959999'],
    ['2000-02-29T00:00:00.000Z', '20000229000000000'],
    ['2024-02-29T23:59:59.001Z', '20240229235959001'],
    ['1900-03-01T00:00:00.010Z', '19000301000000010'],
  ])('%s is %s', (iso, digits) => {
    expect(serializeIlpTimestamp(new Date(iso))).toBe(digits);
    expect(parseIlpTimestamp(digits).toISOString()).toBe(iso);
  });

  it('round-trips every instant in years 0000–9999', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00.000Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const digits = serializeIlpTimestamp(date);
          expect(digits).toBe(viaIso(date));
          expect(parseIlpTimestamp(digits).getTime()).toBe(date.getTime());
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['16 digits', '2017122301214054'],
    ['18 digits', '201712230121405490'],
    ['a letter', '2017122301214054a'],
    ['a leading space', ' 017122301214054'],
    ['a sign', '+0171223012140549'],
    ['a decimal point', '20171223012140.54'],
    ['full-width digits', '２０１７1223012140549'],
    ['month 00', '20170023012140549'],
    ['month 13', '20171323012140549'],
    ['day 00', '20171200012140549'],
    ['day 32', '20171232012140549'],
    ['31 April', '20170431000000000'],
    ['29 February 2019', '20190229000000000'],
    ['29 February 1900', '19000229000000000'],
    ['30 February 2000', '20000230000000000'],
    ['hour 24', '20171223240000000'],
    ['minute 60', '20171223016000000'],
    ['second 60 (leap seconds are smeared)', '20161231235960000'],
    ['the empty string', ''],
  ])('rejects %s', (_, text) => {
    expect(() => parseIlpTimestamp(text)).toThrow(InvalidIlpPacketError);
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseIlpTimestamp(20171223 as unknown as string)).toThrow(InvalidIlpPacketError);
  });

  it('parses exactly the valid calendar dates', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{17}$/), (digits) => {
        const [year, month, day, hour, minute, second, ms] = [
          digits.slice(0, 4),
          digits.slice(4, 6),
          digits.slice(6, 8),
          digits.slice(8, 10),
          digits.slice(10, 12),
          digits.slice(12, 14),
          digits.slice(14, 17),
        ].map(Number);
        const reference = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
        reference.setUTCFullYear(year, month - 1, day);
        const valid =
          month >= 1 && month <= 12 && hour <= 23 && minute <= 59 && second <= 59 && reference.getUTCDate() === day;
        if (valid) expect(parseIlpTimestamp(digits).getTime()).toBe(reference.getTime());
        else expect(() => parseIlpTimestamp(digits)).toThrow(InvalidIlpPacketError);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['an invalid Date', new Date(NaN)],
    ['year 10000', new Date('+010000-01-01T00:00:00.000Z')],
    ['year -1', new Date('-000001-12-31T23:59:59.999Z')],
    ['a number', 1_700_000_000_000 as unknown as Date],
  ])('refuses to serialize %s', (_, date) => {
    expect(() => serializeIlpTimestamp(date)).toThrow(IlpEncodeError);
  });
});
