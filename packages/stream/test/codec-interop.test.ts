// Byte-compatibility of our codec with ilp-protocol-stream 2.7.2-alpha.3 (the interop target).
import fc from 'fast-check';
import { Packet as ReferencePacket } from 'ilp-protocol-stream/dist/src/packet';
import { decodeStreamPacket, encodeStreamPacket } from '../src';
import { packetArbitrary } from './support/arbitraries';
import { fromReferencePacket, toReferencePacket } from './support/reference';

describe('STREAM codec interop with ilp-protocol-stream', () => {
  it('encodes random packets to the same bytes', () => {
    fc.assert(
      fc.property(packetArbitrary, (packet) => {
        expect(encodeStreamPacket(packet)).toEqual(toReferencePacket(packet)._serialize());
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes what the reference encodes, and the reference decodes what we encode', () => {
    fc.assert(
      fc.property(packetArbitrary, (packet) => {
        const theirs = toReferencePacket(packet)._serialize();
        expect(decodeStreamPacket(theirs)).toEqual(packet);
        const ours = encodeStreamPacket(packet);
        expect(fromReferencePacket(ReferencePacket._deserializeUnencrypted(ours))).toEqual(packet);
      }),
      { numRuns: 1000 },
    );
  });
});
