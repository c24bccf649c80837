import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { FrameType, StreamDataAssembler, type StreamDataFrame } from '../src';
import { DataReassembler } from '../src/data-reassembler';

const frame = (streamId: bigint, offset: number, data: Buffer): StreamDataFrame => ({
  type: FrameType.StreamData,
  streamId,
  offset: BigInt(offset),
  data,
});

/** Splits `bytes` into fragments at the given cut points. */
function fragments(bytes: Buffer, cuts: number[]): { offset: number; data: Buffer }[] {
  const points = [...new Set([0, ...cuts.map((cut) => cut % (bytes.length + 1)), bytes.length])].sort((a, b) => a - b);
  return points.slice(1).map((end, index) => ({ offset: points[index], data: bytes.subarray(points[index], end) }));
}

describe('DataReassembler', () => {
  it('delivers in-order bytes at once and holds later ones until the gap is filled', () => {
    const stream = new DataReassembler();
    expect(stream.push(0n, Buffer.from('ab')).toString()).toBe('ab');
    expect(stream.push(5n, Buffer.from('fg')).toString()).toBe('');
    expect(stream.bufferedBytes).toBe(2);
    expect(stream.highestOffset).toBe(7n);
    expect(stream.push(2n, Buffer.from('cde')).toString()).toBe('cdefg');
    expect(stream.readOffset).toBe(7n);
    expect(stream.bufferedBytes).toBe(0);
  });

  it('drops duplicates and the already-delivered part of overlapping fragments', () => {
    const stream = new DataReassembler();
    expect(stream.push(0n, Buffer.from('abcd')).toString()).toBe('abcd');
    expect(stream.push(0n, Buffer.from('abcd')).toString()).toBe('');
    expect(stream.push(2n, Buffer.from('cdef')).toString()).toBe('ef');
    expect(stream.push(10n, Buffer.from('kl')).toString()).toBe('');
    expect(stream.push(10n, Buffer.from('k')).toString()).toBe(''); // shorter duplicate of a held fragment
    expect(stream.push(8n, Buffer.from('ijkl')).toString()).toBe('');
    expect(stream.push(6n, Buffer.from('gh')).toString()).toBe('ghijkl');
    expect(stream.bufferedBytes).toBe(0);
  });

  it('reassembles exactly whatever the order and repetition of the fragments (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer(),
        (array, cuts, repeats, seed) => {
          const bytes = Buffer.from(array);
          const parts = fragments(bytes, cuts);
          const sent = [...parts, ...repeats.map((index) => parts[index % parts.length])];
          // Deterministic shuffle from the seed.
          let state = seed >>> 0;
          for (let i = sent.length - 1; i > 0; i--) {
            state = (state * 1103515245 + 12345) >>> 0;
            const j = state % (i + 1);
            [sent[i], sent[j]] = [sent[j], sent[i]];
          }
          const stream = new DataReassembler();
          const out = Buffer.concat(sent.map(({ offset, data }) => stream.push(BigInt(offset), data)));
          expect(out).toEqual(bytes);
          expect(stream.bufferedBytes).toBe(0);
        },
      ),
    );
  });
});

describe('StreamDataAssembler', () => {
  it('keeps streams and connections apart and reports where each new piece starts', () => {
    const assembler = new StreamDataAssembler();
    const one = randomBytes(30);
    const three = randomBytes(30);
    expect(assembler.push('c1', [frame(1n, 10, one.subarray(10, 20)), frame(3n, 0, three.subarray(0, 10))])).toEqual([
      { connectionId: 'c1', streamId: 3n, offset: 0n, data: three.subarray(0, 10) },
    ]);
    expect(assembler.push('c2', [frame(1n, 0, Buffer.from('other connection'))])).toHaveLength(1);
    expect(assembler.bufferedBytes('c1')).toBe(10);
    expect(
      assembler.push('c1', [frame(1n, 0, one.subarray(0, 10)), frame(1n, 20, one.subarray(20)), frame(3n, 0, three)]),
    ).toEqual([
      { connectionId: 'c1', streamId: 1n, offset: 0n, data: one },
      { connectionId: 'c1', streamId: 3n, offset: 10n, data: three.subarray(10) },
    ]);
    expect(assembler.readOffset('c1', 1n)).toBe(30n);
    expect(assembler.readOffset('c1', 5n)).toBe(0n);
    assembler.forget('c1');
    expect(assembler.readOffset('c1', 1n)).toBe(0n);
    expect(assembler.readOffset('c2', 1n)).toBe(16n);
  });
});
