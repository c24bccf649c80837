// STREAM packet codec (RFC 0029 §5.3–5.4, PROTOCOLS.md §4.3–4.4), byte-compatible with ilp-protocol-stream.
//
//   packet  = version UInt8 (=1) ‖ ilpPacketType UInt8 ‖ sequence VarUInt ‖ prepareAmount VarUInt
//             ‖ frameCount VarUInt ‖ frame* ‖ zero padding (ignored)
//   frame   = type UInt8 ‖ contents var-octet string
//
// Each frame's contents are described by FRAME_LAYOUT below, which is the spec's frame table in code: one row per
// frame type, fields in wire order. Decoding is lenient where the spec asks for extensibility: unknown frame types are
// skipped, bytes after a frame's known fields (inside its contents) and bytes after the last frame are ignored.
import { MAX_UINT64, OerDecodeError, OerReader, OerWriter } from '@sluice/ilp';
import { StreamCodecError } from './errors';
import { FrameType, type Frame, type FrameTypeValue, type StreamPacket } from './frames';

export const STREAM_VERSION = 1;

type FieldKind =
  /** UInt8 as a number. */
  | 'uint8'
  /** VarUInt that must fit in UInt64 (larger → VALUE_TOO_LARGE). */
  | 'varuint'
  /** VarUInt that saturates to 2^64−1 when larger (receiveMax, sendMax: RFC 0029 says "treat as unlimited"). */
  | 'varuintSaturating'
  /** var-octet string decoded as UTF-8. */
  | 'utf8'
  /** var-octet string kept as bytes. */
  | 'octets';

type Layout = readonly (readonly [field: string, kind: FieldKind])[];

/** The spec's frame table: frame type → its fields in wire order. */
const FRAME_LAYOUT: Readonly<Record<FrameTypeValue, Layout>> = {
  [FrameType.ConnectionClose]: [
    ['errorCode', 'uint8'],
    ['errorMessage', 'utf8'],
  ],
  [FrameType.ConnectionNewAddress]: [['sourceAccount', 'utf8']],
  [FrameType.ConnectionMaxData]: [['maxOffset', 'varuint']],
  [FrameType.ConnectionDataBlocked]: [['maxOffset', 'varuint']],
  [FrameType.ConnectionMaxStreamId]: [['maxStreamId', 'varuint']],
  [FrameType.ConnectionStreamIdBlocked]: [['maxStreamId', 'varuint']],
  [FrameType.ConnectionAssetDetails]: [
    ['sourceAssetCode', 'utf8'],
    ['sourceAssetScale', 'uint8'],
  ],
  [FrameType.StreamClose]: [
    ['streamId', 'varuint'],
    ['errorCode', 'uint8'],
    ['errorMessage', 'utf8'],
  ],
  [FrameType.StreamMoney]: [
    ['streamId', 'varuint'],
    ['shares', 'varuint'],
  ],
  [FrameType.StreamMaxMoney]: [
    ['streamId', 'varuint'],
    ['receiveMax', 'varuintSaturating'],
    ['totalReceived', 'varuint'],
  ],
  [FrameType.StreamMoneyBlocked]: [
    ['streamId', 'varuint'],
    ['sendMax', 'varuintSaturating'],
    ['totalSent', 'varuint'],
  ],
  [FrameType.StreamData]: [
    ['streamId', 'varuint'],
    ['offset', 'varuint'],
    ['data', 'octets'],
  ],
  [FrameType.StreamMaxData]: [
    ['streamId', 'varuint'],
    ['maxOffset', 'varuint'],
  ],
  [FrameType.StreamDataBlocked]: [
    ['streamId', 'varuint'],
    ['maxOffset', 'varuint'],
  ],
  [FrameType.StreamReceipt]: [
    ['streamId', 'varuint'],
    ['receipt', 'octets'],
  ],
};

export function isKnownFrameType(type: number): type is FrameTypeValue {
  return Object.prototype.hasOwnProperty.call(FRAME_LAYOUT, type);
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

export function encodeStreamPacket(packet: StreamPacket): Buffer {
  const writer = new OerWriter(64);
  writer.writeUInt8(STREAM_VERSION);
  writeUInt8Field(writer, packet.ilpPacketType, 'ilpPacketType');
  writeUInt64VarUInt(writer, packet.sequence, 'sequence');
  writeUInt64VarUInt(writer, packet.prepareAmount, 'prepareAmount');
  writer.writeVarUInt(BigInt(packet.frames.length));
  for (const frame of packet.frames) writeFrame(writer, frame);
  return writer.toBuffer();
}

function writeFrame(writer: OerWriter, frame: Frame): void {
  const layout = FRAME_LAYOUT[frame.type];
  if (!layout) throw new StreamCodecError('INVALID_VALUE', `unknown frame type: ${String(frame.type)}`);
  const fields = frame as unknown as Record<string, unknown>;
  // Strings become bytes once so the contents' length prefix can be written before them.
  const values = layout.map(([name, kind]) => {
    const value = fields[name];
    if (kind === 'utf8') {
      if (typeof value !== 'string') throw invalid(name, value);
      return Buffer.from(value, 'utf8');
    }
    return value;
  });
  const contents = new OerWriter(32);
  layout.forEach(([name, kind], index) => writeField(contents, kind, name, values[index]));
  writer.writeUInt8(frame.type);
  writer.writeVarOctetString(contents.toBuffer());
}

function writeField(writer: OerWriter, kind: FieldKind, name: string, value: unknown): void {
  switch (kind) {
    case 'uint8':
      writeUInt8Field(writer, value, name);
      return;
    case 'varuint':
    case 'varuintSaturating':
      writeUInt64VarUInt(writer, value, name);
      return;
    case 'utf8':
    case 'octets':
      if (!(value instanceof Uint8Array)) throw invalid(name, value);
      writer.writeVarOctetString(value);
      return;
  }
}

function writeUInt8Field(writer: OerWriter, value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xff) throw invalid(name, value);
  writer.writeUInt8(value);
}

/** Every STREAM VarUInt is a UInt64 on the sending side: ilp-protocol-stream cannot produce or read larger ones. */
function writeUInt64VarUInt(writer: OerWriter, value: unknown, name: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT64) throw invalid(name, value);
  writer.writeVarUInt(value);
}

function invalid(name: string, value: unknown): StreamCodecError {
  return new StreamCodecError('INVALID_VALUE', `invalid ${name}: ${String(value)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

export function decodeStreamPacket(bytes: Buffer): StreamPacket {
  try {
    const reader = new OerReader(bytes);
    const version = reader.readUInt8();
    if (version !== STREAM_VERSION) {
      throw new StreamCodecError('UNSUPPORTED_VERSION', `unsupported STREAM version: ${version}`);
    }
    const ilpPacketType = reader.readUInt8();
    const sequence = readUInt64VarUInt(reader, 'sequence', false);
    const prepareAmount = readUInt64VarUInt(reader, 'prepareAmount', false);
    const frameCount = readUInt64VarUInt(reader, 'frame count', false);
    // Every frame takes at least 2 bytes; checking first avoids looping on an absurd count.
    if (frameCount * 2n > BigInt(reader.remaining)) {
      throw new StreamCodecError('MALFORMED', `frame count ${frameCount} exceeds the packet's length`);
    }
    const frames: Frame[] = [];
    for (let i = 0; i < Number(frameCount); i++) {
      const frame = readFrame(reader);
      if (frame) frames.push(frame);
    }
    // Anything after the frames is padding (RFC 0029: "ignore").
    return { sequence, ilpPacketType, prepareAmount, frames };
  } catch (error) {
    if (error instanceof OerDecodeError) throw new StreamCodecError('MALFORMED', error.message);
    throw error;
  }
}

/** Decodes one frame; returns undefined for an unknown type, which the spec says to skip. */
function readFrame(reader: OerReader): Frame | undefined {
  const type = reader.readUInt8();
  const contents = reader.readVarOctetString();
  if (!isKnownFrameType(type)) return undefined;
  const fields = new OerReader(contents);
  const frame: Record<string, unknown> = { type };
  for (const [name, kind] of FRAME_LAYOUT[type]) frame[name] = readField(fields, kind, name);
  return frame as unknown as Frame;
}

function readField(reader: OerReader, kind: FieldKind, name: string): unknown {
  switch (kind) {
    case 'uint8':
      return reader.readUInt8();
    case 'varuint':
      return readUInt64VarUInt(reader, name, false);
    case 'varuintSaturating':
      return readUInt64VarUInt(reader, name, true);
    case 'utf8':
      return reader.readVarOctetString().toString('utf8');
    case 'octets':
      // A copy, so a frame never pins (or aliases) the whole decrypted packet.
      return Buffer.from(reader.readVarOctetString());
  }
}

/**
 * Reads a VarUInt bounded to UInt64 without building a huge bigint from hostile input: leading zero bytes are
 * tolerated (as ilp-protocol-stream does), more than 8 significant bytes saturate or fail as the field requires.
 */
function readUInt64VarUInt(reader: OerReader, name: string, saturate: boolean): bigint {
  const bytes = reader.readVarOctetString();
  if (bytes.length === 0) throw new StreamCodecError('MALFORMED', `${name}: VarUInt of length zero`);
  let first = 0;
  while (first < bytes.length - 1 && bytes[first] === 0) first++;
  if (bytes.length - first > 8) {
    if (saturate) return MAX_UINT64;
    throw new StreamCodecError('VALUE_TOO_LARGE', `${name} does not fit in UInt64`);
  }
  let value = 0n;
  for (let i = first; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}
