// STREAM frame and packet types (RFC 0029 §5; IDs as in ilp-protocol-stream `FrameType`, see PROTOCOLS.md §4.4).
// Frames are plain typed objects discriminated by `type`; amounts and offsets are bigint (UInt64 on the wire).

/** ILP packet type that carries a STREAM packet (the STREAM packet repeats it so a swapped reply is detected). */
export const IlpPacketType = { Prepare: 12, Fulfill: 13, Reject: 14 } as const;
export type IlpPacketTypeValue = (typeof IlpPacketType)[keyof typeof IlpPacketType];

export const FrameType = {
  ConnectionClose: 0x01,
  ConnectionNewAddress: 0x02,
  ConnectionMaxData: 0x03,
  ConnectionDataBlocked: 0x04,
  ConnectionMaxStreamId: 0x05,
  ConnectionStreamIdBlocked: 0x06,
  ConnectionAssetDetails: 0x07,
  StreamClose: 0x10,
  StreamMoney: 0x11,
  StreamMaxMoney: 0x12,
  StreamMoneyBlocked: 0x13,
  StreamData: 0x14,
  StreamMaxData: 0x15,
  StreamDataBlocked: 0x16,
  StreamReceipt: 0x17,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

/** Error codes of ConnectionClose / StreamClose frames. */
export const StreamErrorCode = {
  NoError: 0x01,
  InternalError: 0x02,
  EndpointBusy: 0x03,
  FlowControlError: 0x04,
  StreamIdError: 0x05,
  StreamStateError: 0x06,
  FrameFormatError: 0x07,
  ProtocolViolation: 0x08,
  ApplicationError: 0x09,
} as const;
export type StreamErrorCodeValue = (typeof StreamErrorCode)[keyof typeof StreamErrorCode];

export interface ConnectionCloseFrame {
  type: typeof FrameType.ConnectionClose;
  /** UInt8; usually a StreamErrorCode, but any byte is carried as received. */
  errorCode: number;
  errorMessage: string;
}
export interface ConnectionNewAddressFrame {
  type: typeof FrameType.ConnectionNewAddress;
  /** The sender's ILP address for replies; `""` is what @interledger/pay sends to ask for asset details. */
  sourceAccount: string;
}
export interface ConnectionMaxDataFrame {
  type: typeof FrameType.ConnectionMaxData;
  maxOffset: bigint;
}
export interface ConnectionDataBlockedFrame {
  type: typeof FrameType.ConnectionDataBlocked;
  maxOffset: bigint;
}
export interface ConnectionMaxStreamIdFrame {
  type: typeof FrameType.ConnectionMaxStreamId;
  maxStreamId: bigint;
}
export interface ConnectionStreamIdBlockedFrame {
  type: typeof FrameType.ConnectionStreamIdBlocked;
  maxStreamId: bigint;
}
export interface ConnectionAssetDetailsFrame {
  type: typeof FrameType.ConnectionAssetDetails;
  sourceAssetCode: string;
  sourceAssetScale: number;
}
export interface StreamCloseFrame {
  type: typeof FrameType.StreamClose;
  streamId: bigint;
  errorCode: number;
  errorMessage: string;
}
export interface StreamMoneyFrame {
  type: typeof FrameType.StreamMoney;
  streamId: bigint;
  /** Share of the Prepare amount for this stream: amount = floor(prepare.amount × shares / Σshares). */
  shares: bigint;
}
export interface StreamMaxMoneyFrame {
  type: typeof FrameType.StreamMaxMoney;
  streamId: bigint;
  /** Saturates to 2^64−1 when the wire value is larger (RFC 0029: "treat as unlimited"). */
  receiveMax: bigint;
  totalReceived: bigint;
}
export interface StreamMoneyBlockedFrame {
  type: typeof FrameType.StreamMoneyBlocked;
  streamId: bigint;
  /** Saturates to 2^64−1 like receiveMax. */
  sendMax: bigint;
  totalSent: bigint;
}
export interface StreamDataFrame {
  type: typeof FrameType.StreamData;
  streamId: bigint;
  offset: bigint;
  data: Buffer;
}
export interface StreamMaxDataFrame {
  type: typeof FrameType.StreamMaxData;
  streamId: bigint;
  maxOffset: bigint;
}
export interface StreamDataBlockedFrame {
  type: typeof FrameType.StreamDataBlocked;
  streamId: bigint;
  maxOffset: bigint;
}
export interface StreamReceiptFrame {
  type: typeof FrameType.StreamReceipt;
  streamId: bigint;
  /** RFC 0039 receipt bytes (see receipt.ts). */
  receipt: Buffer;
}

export type Frame =
  | ConnectionCloseFrame
  | ConnectionNewAddressFrame
  | ConnectionMaxDataFrame
  | ConnectionDataBlockedFrame
  | ConnectionMaxStreamIdFrame
  | ConnectionStreamIdBlockedFrame
  | ConnectionAssetDetailsFrame
  | StreamCloseFrame
  | StreamMoneyFrame
  | StreamMaxMoneyFrame
  | StreamMoneyBlockedFrame
  | StreamDataFrame
  | StreamMaxDataFrame
  | StreamDataBlockedFrame
  | StreamReceiptFrame;

/** A decrypted STREAM packet. */
export interface StreamPacket {
  /** Per-sender counter; a reply repeats the request's sequence. UInt64. */
  sequence: bigint;
  /** 12, 13 or 14 when valid; a decoded packet carries whatever byte was on the wire so the receiver can reject it. */
  ilpPacketType: number;
  /** Prepare: minimum the receiver may accept. Fulfill/Reject: amount the receiver got. UInt64. */
  prepareAmount: bigint;
  frames: Frame[];
}
