import {
  IlpError,
  IlpErrorCode,
  InvalidIlpPacketError,
  isFinalErrorCode,
  isRelativeErrorCode,
  isTemporaryErrorCode,
} from '@sluice/ilp';

describe('reject codes', () => {
  it('lists the 21 codes of RFC 0027, each named after its value', () => {
    const entries = Object.entries(IlpErrorCode);
    expect(entries).toHaveLength(21);
    for (const [name, code] of entries) expect(name.startsWith(`${code}_`)).toBe(true);
  });

  it('classifies by first letter', () => {
    expect(isFinalErrorCode('F02')).toBe(true);
    expect(isFinalErrorCode('F42')).toBe(true);
    expect(isTemporaryErrorCode('T04')).toBe(true);
    expect(isRelativeErrorCode('R00')).toBe(true);
    for (const code of ['T00', 'R02', 'f02', 'F0', 'F000', '', 'X00']) expect(isFinalErrorCode(code)).toBe(false);
    for (const code of ['F00', 'R00', 't00']) expect(isTemporaryErrorCode(code)).toBe(false);
    for (const code of ['F00', 'T00', 'r00']) expect(isRelativeErrorCode(code)).toBe(false);
  });

  it('classifies every listed code into exactly one class', () => {
    for (const code of Object.values(IlpErrorCode)) {
      const classes = [isFinalErrorCode(code), isTemporaryErrorCode(code), isRelativeErrorCode(code)];
      expect(classes.filter(Boolean)).toHaveLength(1);
    }
  });
});

describe('IlpError', () => {
  it('carries code, message and data into a Reject', () => {
    const data = Buffer.from('details');
    const error = new IlpError(IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY, 'exceeds credit', data);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IlpError');
    expect(error.toReject('test.sluice')).toEqual({
      code: 'T04',
      triggeredBy: 'test.sluice',
      message: 'exceeds credit',
      data,
    });
  });

  it('defaults to empty data', () => {
    expect(new IlpError('F02', 'no route').toReject('').data).toEqual(Buffer.alloc(0));
  });

  it('has InvalidIlpPacketError as its F01 case', () => {
    const error = new InvalidIlpPacketError('bad bytes');
    expect(error).toBeInstanceOf(IlpError);
    expect(error.code).toBe('F01');
    expect(error.name).toBe('InvalidIlpPacketError');
    expect(error.toReject('test.sluice').code).toBe('F01');
  });
});
