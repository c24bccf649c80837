// Public API of @sluice/stream.
export * from './errors';
export * from './frames';
export { encodeStreamPacket, decodeStreamPacket, STREAM_VERSION } from './codec';
export {
  ENCRYPTION_OVERHEAD,
  encryptionKey,
  fulfillmentKey,
  fulfillmentFor,
  conditionFor,
  randomCondition,
  encrypt,
  decrypt,
  hmacSha256,
  sha256,
} from './crypto';
export { RECEIPT_VERSION, RECEIPT_LENGTH, createReceipt, decodeReceipt, verifyReceipt } from './receipt';
export type { Receipt, ReceiptParams } from './receipt';
export { createStreamReceiver, ReceiveLimitError, ReceiverDeclineError } from './receiver';
export type {
  StreamReceiver,
  StreamReceiverOptions,
  StreamCredentials,
  IncomingConnection,
  IncomingMoney,
  IncomingData,
  ReceiveLimit,
  ReceiverHooks,
  IncomingClose,
  HookReply,
  ReplyData,
} from './receiver';
export { StreamDataAssembler } from './data-assembler';
export type { AssembledData } from './data-assembler';
export {
  MAX_ILP_DATA,
  MAX_STREAM_PLAINTEXT,
  DEFAULT_STREAM_DATA_LIMIT,
  DEFAULT_CONNECTION_DATA_LIMIT,
  DEFAULT_MAX_STREAM_ID,
} from './limits';
export type { ConnectionDetails, ReceiptSetup, AssetDetails } from './token';
export type { IlpPrepare, IlpFulfill, IlpReject, IlpReply } from './ilp';
export { sendPayment } from './sender/send-payment';
export { probePath } from './sender/probe-path';
export type { ProbePathOptions, PathProbe } from './sender/probe-path';
export type { SendPaymentOptions, PaymentOptions, PaymentProgress } from './sender/send-payment';
export { openStreamConnection, StreamConnection } from './sender/connection';
export type { StreamConnectionOptions, ConnectionPaymentOptions, ConnectionEnd } from './sender/connection';
export type { StreamEnd } from './sender/incoming-streams';
export type { SendPrepare } from './sender/packet';
export type { CongestionOptions } from './sender/congestion';
export type { Ratio } from './sender/ratio';
